// The c8s-operator process: flags, Kubernetes config (kubeconfig or in-cluster), the CDS
// connection (TLS, pinned CDS CA), /metrics + /healthz + /readyz, leader election and graceful
// shutdown on SIGTERM/SIGINT. main.cc only calls RunOperatorMain.
//
//   return c8s::op::RunOperatorMain(argc, argv);
//   // c8s-operator --cds-address c8s-cds.c8s-system:7443 --cds-ca /etc/c8s/cds-ca.pem
#pragma once

namespace c8s::op {

int RunOperatorMain(int argc, char** argv);

}  // namespace c8s::op
