// SPDX-License-Identifier: GPL-2.0
/* Baseline for c8s-bench-bpf: the cheapest possible TC program, measured in the same run. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tcx/egress")
int c8s_noop(struct __sk_buff *skb) { return TCX_NEXT; }
