// c8s-cds: see cds/grpc_daemon.h.
#include "cds/grpc_daemon.h"

int main(int argc, char** argv) { return c8s::cds::RunCdsMain(argc, argv); }
