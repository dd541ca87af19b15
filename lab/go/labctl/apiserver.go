package main

import (
	"time"
)

func apiserverComponent(c *Config) Component {
	return Component{
		Name:    "kube-apiserver",
		Bin:     "kube-apiserver",
		Version: c.Versions["KUBERNETES_VERSION"],
		URL:     c.APIServer,
		Args: []string{
			"--bind-address=127.0.0.1",
			"--secure-port=6443",
			"--advertise-address=127.0.0.1",
			"--endpoint-reconciler-type=none",
			"--etcd-servers=" + etcdClientURL,
			"--service-cluster-ip-range=" + c.ServiceCIDR,
			"--client-ca-file=" + c.pki("ca.crt"),
			"--tls-cert-file=" + c.pki("apiserver.crt"),
			"--tls-private-key-file=" + c.pki("apiserver.key"),
			"--authorization-mode=Node,RBAC",
			"--enable-admission-plugins=NodeRestriction",
			"--service-account-issuer=https://kubernetes.default.svc." + c.ClusterDomain,
			"--service-account-key-file=" + c.pki("sa.pub"),
			"--service-account-signing-key-file=" + c.pki("sa.key"),
			"--kubelet-client-certificate=" + c.pki("apiserver-kubelet-client.crt"),
			"--kubelet-client-key=" + c.pki("apiserver-kubelet-client.key"),
			"--kubelet-certificate-authority=" + c.pki("ca.crt"),
			"--kubelet-preferred-address-types=InternalIP,Hostname",
			"--allow-privileged=true",
			"--profiling=false",
			"--v=1",
		},
		Ready: func() error {
			return apiGet(c, "/readyz", nil)
		},
		ReadyTimeout: 90 * time.Second,
	}
}
