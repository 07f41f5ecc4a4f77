// c8s-operator: see operator/grpc_daemon.h.
#include "operator/grpc_daemon.h"

int main(int argc, char** argv) { return c8s::op::RunOperatorMain(argc, argv); }
