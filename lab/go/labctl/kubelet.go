package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// kubeletConfig is a node's KubeletConfiguration: its own address and
// ports, cgroupfs driver under its own cgroupRoot, its own containerd, its
// own pod-log dir, DNS at its bridge gateway, relaxed eviction thresholds
// (the host disk is shared with builds).
func kubeletConfig(c *Config, n *Node) string {
	return fmt.Sprintf(`apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: %s
port: %d
readOnlyPort: 0
healthzBindAddress: %s
healthzPort: %d
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: %s
authorization:
  mode: Webhook
tlsCertFile: %s
tlsPrivateKeyFile: %s
cgroupDriver: cgroupfs
cgroupRoot: %s
cgroupsPerQOS: true
failCgroupV1: false
containerRuntimeEndpoint: unix://%s
imageServiceEndpoint: unix://%s
clusterDomain: %s
clusterDNS:
- %s
resolvConf: %q
podLogsDir: %s
volumePluginDir: %s
podCIDR: %s
failSwapOn: false
maxPods: 110
serializeImagePulls: false
registerNode: true
rotateCertificates: false
serverTLSBootstrap: false
protectKernelDefaults: false
makeIPTablesUtilChains: false
localStorageCapacityIsolation: true
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
evictionHard:
  memory.available: "100Mi"
  nodefs.available: "1%%"
  nodefs.inodesFree: "1%%"
  imagefs.available: "1%%"
nodeStatusUpdateFrequency: 10s
nodeStatusReportFrequency: 1m
syncFrequency: 10s
fileCheckFrequency: 20s
enableDebuggingHandlers: true
`, n.IP, kubeletPort, n.IP, kubeletHealthz,
		c.pki("ca.crt"), c.pki("kubelet-"+n.Letter+"-serving.crt"), c.pki("kubelet-"+n.Letter+"-serving.key"),
		n.CgroupRoot, n.ContainerdSock, n.ContainerdSock, c.ClusterDomain, n.Gateway,
		filepath.Join(n.Dir, "resolv.conf"), filepath.Join(n.Dir, "pod-logs"),
		filepath.Join(n.Dir, "volume-plugins"), n.Subnet)
}

func kubeletComponent(c *Config, n *Node) Component {
	cfg := filepath.Join(n.Dir, "kubelet-config.yaml")
	return Component{
		Name:    "kubelet-" + n.Letter,
		Bin:     "kubelet",
		Version: c.Versions["KUBERNETES_VERSION"],
		URL:     fmt.Sprintf("https://%s:%d (node %s)", n.IP, kubeletPort, n.Name),
		Args: []string{
			"--config=" + cfg,
			"--kubeconfig=" + kubeconfigPath(c, "kubelet-"+n.Letter),
			"--root-dir=" + n.KubeletDir,
			"--cert-dir=" + filepath.Join(n.KubeletDir, "pki"),
			"--hostname-override=" + n.Name,
			"--node-labels=kdrill.io/lab-node=" + n.Letter,
			"--v=1",
		},
		Prepare: func() error {
			if err := mkdirs(n.KubeletDir, n.PluginsRegistryDir, n.PluginsDir,
				filepath.Join(n.Dir, "pod-logs"), filepath.Join(n.Dir, "volume-plugins")); err != nil {
				return err
			}
			// Pods' resolv.conf gets only the cluster DNS, not the host's.
			if err := os.WriteFile(filepath.Join(n.Dir, "resolv.conf"), []byte("# kdrill lab: no host DNS in pods\n"), 0o644); err != nil {
				return err
			}
			return writeFileAtomic(cfg, []byte(kubeletConfig(c, n)), 0o644)
		},
		Ready: func() error {
			return httpOK(&http.Client{Timeout: 2 * time.Second}, fmt.Sprintf("http://%s:%d/healthz", n.IP, kubeletHealthz))
		},
		ReadyTimeout: 60 * time.Second,
	}
}
