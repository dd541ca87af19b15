package main

import (
	"fmt"
	"time"
)

func controllerManagerComponent(c *Config) Component {
	kc := kubeconfigPath(c, "controller-manager")
	return Component{
		Name:    "kube-controller-manager",
		Bin:     "kube-controller-manager",
		Version: c.Versions["KUBERNETES_VERSION"],
		URL:     fmt.Sprintf("https://127.0.0.1:%d", kcmPort),
		Args: []string{
			"--kubeconfig=" + kc,
			"--authentication-kubeconfig=" + kc,
			"--authorization-kubeconfig=" + kc,
			"--bind-address=127.0.0.1",
			fmt.Sprintf("--secure-port=%d", kcmPort),
			"--leader-elect=false",
			"--use-service-account-credentials=true",
			"--service-account-private-key-file=" + c.pki("sa.key"),
			"--root-ca-file=" + c.pki("ca.crt"),
			"--cluster-signing-cert-file=" + c.pki("ca.crt"),
			"--cluster-signing-key-file=" + c.pki("ca.key"),
			"--service-cluster-ip-range=" + c.ServiceCIDR,
			"--allocate-node-cidrs=false",
			"--profiling=false",
			"--v=1",
		},
		Ready: func() error {
			return httpsHealthy(fmt.Sprintf("https://127.0.0.1:%d/healthz", kcmPort))
		},
		ReadyTimeout: 60 * time.Second,
	}
}

func schedulerComponent(c *Config) Component {
	kc := kubeconfigPath(c, "scheduler")
	return Component{
		Name:    "kube-scheduler",
		Bin:     "kube-scheduler",
		Version: c.Versions["KUBERNETES_VERSION"],
		URL:     fmt.Sprintf("https://127.0.0.1:%d", schedulerPort),
		Args: []string{
			"--kubeconfig=" + kc,
			"--authentication-kubeconfig=" + kc,
			"--authorization-kubeconfig=" + kc,
			"--bind-address=127.0.0.1",
			fmt.Sprintf("--secure-port=%d", schedulerPort),
			"--leader-elect=false",
			"--profiling=false",
			"--v=1",
		},
		Ready: func() error {
			return httpsHealthy(fmt.Sprintf("https://127.0.0.1:%d/healthz", schedulerPort))
		},
		ReadyTimeout: 60 * time.Second,
	}
}
