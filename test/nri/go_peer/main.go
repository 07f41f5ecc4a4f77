// An independent ttrpc peer (containerd's Go ttrpc, from Debian) for cross-checking c8s's C++
// ttrpc client and server: the two implementations are written separately, so agreement here
// means the wire format, not a shared misreading of it.
//
//	go_peer server SOCKET   serve c8s.test.Echo on SOCKET; prints "ready" once listening
//	go_peer client SOCKET   call a C++ server on SOCKET; prints "ok <check>" per check
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/containerd/ttrpc"
	"github.com/gogo/protobuf/types"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

const service = "c8s.test.Echo"

func serve(path string) error {
	os.Remove(path)
	l, err := net.Listen("unix", path)
	if err != nil {
		return err
	}
	s, err := ttrpc.NewServer()
	if err != nil {
		return err
	}
	s.Register(service, map[string]ttrpc.Method{
		"Echo": func(ctx context.Context, unmarshal func(interface{}) error) (interface{}, error) {
			var req types.StringValue
			if err := unmarshal(&req); err != nil {
				return nil, err
			}
			timeout := "none"
			if d, ok := ctx.Deadline(); ok && time.Until(d) > 0 {
				timeout = "set"
			}
			return &types.StringValue{Value: "echo:" + req.Value + ":deadline=" + timeout}, nil
		},
		"Deny": func(ctx context.Context, unmarshal func(interface{}) error) (interface{}, error) {
			var req types.StringValue
			if err := unmarshal(&req); err != nil {
				return nil, err
			}
			return nil, status.Errorf(codes.PermissionDenied, "image %s is not pinned by digest", req.Value)
		},
		"Big": func(ctx context.Context, unmarshal func(interface{}) error) (interface{}, error) {
			var req types.Int64Value
			if err := unmarshal(&req); err != nil {
				return nil, err
			}
			return &types.BytesValue{Value: []byte(strings.Repeat("b", int(req.Value)))}, nil
		},
	})
	fmt.Println("ready")
	return s.Serve(context.Background(), l)
}

func check(name string, err error) {
	if err != nil {
		fmt.Printf("FAIL %s: %v\n", name, err)
		os.Exit(1)
	}
	fmt.Printf("ok %s\n", name)
}

func client(path string) error {
	conn, err := net.Dial("unix", path)
	if err != nil {
		return err
	}
	c := ttrpc.NewClient(conn)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	var echo types.StringValue
	err = c.Call(ctx, service, "Echo", &types.StringValue{Value: "hi"}, &echo)
	if err == nil && echo.Value != "echo:hi:deadline=set" {
		err = fmt.Errorf("got %q", echo.Value)
	}
	check("echo", err)

	var ignored types.StringValue
	err = c.Call(ctx, service, "Deny", &types.StringValue{Value: "ghcr.io/x/y:1.2"}, &ignored)
	st, _ := status.FromError(err)
	if st.Code() != codes.PermissionDenied || st.Message() != "image ghcr.io/x/y:1.2 is not pinned by digest" {
		check("deny", fmt.Errorf("got %v", err))
	}
	check("deny", nil)

	err = c.Call(ctx, service, "Nope", &types.StringValue{}, &ignored)
	st, _ = status.FromError(err)
	if st.Code() != codes.Unimplemented || st.Message() != "method Nope" {
		check("unknown-method", fmt.Errorf("got %v", err))
	}
	check("unknown-method", nil)

	err = c.Call(ctx, "c8s.test.Other", "Echo", &types.StringValue{}, &ignored)
	st, _ = status.FromError(err)
	if st.Code() != codes.Unimplemented || st.Message() != "service c8s.test.Other" {
		check("unknown-service", fmt.Errorf("got %v", err))
	}
	check("unknown-service", nil)

	var big types.BytesValue
	err = c.Call(ctx, service, "Big", &types.Int64Value{Value: 300000}, &big)
	if err == nil && len(big.Value) != 300000 {
		err = fmt.Errorf("got %d bytes", len(big.Value))
	}
	check("big", err)

	// Several calls in flight at once: replies are matched by stream id.
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		go func(i int) {
			var r types.StringValue
			v := fmt.Sprintf("n%d", i)
			err := c.Call(ctx, service, "Echo", &types.StringValue{Value: v}, &r)
			if err == nil && r.Value != "echo:"+v+":deadline=set" {
				err = fmt.Errorf("got %q for %q", r.Value, v)
			}
			errs <- err
		}(i)
	}
	for i := 0; i < 16; i++ {
		if err := <-errs; err != nil {
			check("concurrent", err)
		}
	}
	check("concurrent", nil)
	return nil
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go_peer server|client SOCKET")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "server":
		err = serve(os.Args[2])
	case "client":
		err = client(os.Args[2])
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
