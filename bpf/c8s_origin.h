/* Where an outgoing packet comes from, for the node-only infrastructure (CDS, metadata, time):
 * only the node itself may reach it. A packet is the node's when it carries a socket whose
 * cgroup v2 group is outside the pods' parent cgroup. Forwarded pod packets carry no socket at
 * the uplink (cgroup id 0), a pod's own or raw socket carries the pod's cgroup, hostNetwork pods
 * too: none of them is the node.
 *   if (!C8S_INFRA_POD_REACHABLE(kind) && !c8s_from_node(skb, cfg)) return C8S_R_DENY_NODE_ONLY;
 */
#ifndef C8S_BPF_ORIGIN_H_
#define C8S_BPF_ORIGIN_H_

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "bpf/c8s_parse.h"
#include "bpf/shared/c8s_structs.h"

static __always_inline int c8s_from_node(struct __sk_buff *skb,
                                         const struct c8s_slot_config *cfg) {
  if (bpf_skb_cgroup_id(skb) == 0) return 0;
  if (cfg->pods_cgroup_id != 0 &&
      bpf_skb_ancestor_cgroup_id(skb, (int)cfg->pods_cgroup_level) == cfg->pods_cgroup_id)
    return 0;
  return 1;
}

/* True when f goes to the node's mesh outbound listener (where connect4/6 redirected it). */
static __always_inline int c8s_to_redirect_listener(const struct c8s_slot_config *cfg,
                                                    const struct c8s_flow *f) {
  if (f->proto != C8S_PROTO_TCP || cfg->redirect_port == 0 || f->dport != cfg->redirect_port)
    return 0;
  if (f->family == C8S_FAM_V4) return f->daddr[0] == cfg->redirect_ip4;
  if ((cfg->redirect_ip6[0] | cfg->redirect_ip6[1] | cfg->redirect_ip6[2] | cfg->redirect_ip6[3]) ==
      0)
    return 0;
  return f->daddr[0] == cfg->redirect_ip6[0] && f->daddr[1] == cfg->redirect_ip6[1] &&
         f->daddr[2] == cfg->redirect_ip6[2] && f->daddr[3] == cfg->redirect_ip6[3];
}

#endif /* C8S_BPF_ORIGIN_H_ */
