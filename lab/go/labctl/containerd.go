package main

import (
	"crypto/sha256"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// containerdConfig is a node's containerd config: own socket, root, state,
// CNI dirs, runc root; the CRI plugin uses the local pause image, cannot set
// negative oom_score_adj (no CAP_SYS_RESOURCE here) and keeps pod network
// namespaces under its state dir.
func containerdConfig(c *Config, n *Node) string {
	d := n.ContainerdDir
	return fmt.Sprintf(`version = 2
root = %q
state = %q
oom_score = 0
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = %q

[ttrpc]
  address = %q

[debug]
  address = ""
  level = "info"

[metrics]
  address = ""

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = %q
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "localhost/pause:lab"
    restrict_oom_score_adj = true
    netns_mounts_under_state_dir = true
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    enable_selinux = false
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = %q
      max_conf_num = 1
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = false
          Root = %q
`, filepath.Join(d, "root"), filepath.Join(d, "state"), n.ContainerdSock, n.ContainerdSock+".ttrpc",
		filepath.Join(d, "opt"), n.CNIConfDir, filepath.Join(d, "runc"))
}

func containerdComponent(c *Config, n *Node) Component {
	cfg := filepath.Join(n.ContainerdDir, "config.toml")
	return Component{
		Name:    "containerd-" + n.Letter,
		Bin:     "/usr/bin/containerd",
		Version: c.Versions["CONTAINERD_DEB"],
		URL:     "unix://" + n.ContainerdSock,
		Args:    []string{"--config", cfg},
		Prepare: func() error {
			if err := mkdirs(n.ContainerdDir, filepath.Join(n.ContainerdDir, "runc")); err != nil {
				return err
			}
			// A restarted containerd deletes the bundles of shims that died,
			// but not their sockets: remember them for down first.
			recordShimSockets(n)
			if err := writeCNIConfig(c, n); err != nil {
				return err
			}
			return writeFileAtomic(cfg, []byte(containerdConfig(c, n)), 0o644)
		},
		Ready: func() error {
			conn, err := net.DialTimeout("unix", n.ContainerdSock, time.Second)
			if err != nil {
				return err
			}
			conn.Close()
			_, err = ctr(n, 10*time.Second, "version")
			return err
		},
		ReadyTimeout: 30 * time.Second,
		AfterReady:   func() error { return importImages(c, n) },
	}
}

// ctr runs the ctr CLI against a node's containerd in the k8s.io namespace.
func ctr(n *Node, timeout time.Duration, args ...string) (string, error) {
	return run(timeout, "ctr", append([]string{"--address", n.ContainerdSock, "--namespace", "k8s.io"}, args...)...)
}

func shimSocketsFile(n *Node) string { return filepath.Join(n.ContainerdDir, "shim-sockets.txt") }

// shimSockets lists the shim sockets of a node's current bundles
// (/run/containerd/s/<sha256(grpc address/namespace/id)>).
func shimSockets(n *Node) []string {
	var out []string
	bundles, _ := filepath.Glob(filepath.Join(n.ContainerdDir, "state", "io.containerd.runtime.v2.task", "*", "*"))
	for _, b := range bundles {
		if data, err := os.ReadFile(filepath.Join(b, "address")); err == nil {
			if a := strings.TrimPrefix(strings.TrimSpace(string(data)), "unix://"); strings.HasPrefix(a, "/run/containerd/s/") {
				out = append(out, a)
			}
		}
		id, ns := filepath.Base(b), filepath.Base(filepath.Dir(b))
		out = append(out, fmt.Sprintf("/run/containerd/s/%x", sha256.Sum256([]byte(filepath.Join(n.ContainerdSock, ns, id)))))
	}
	return out
}

// recordShimSockets appends the current shim sockets to shim-sockets.txt.
func recordShimSockets(n *Node) {
	socks := shimSockets(n)
	if len(socks) == 0 {
		return
	}
	f, err := os.OpenFile(shimSocketsFile(n), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	f.WriteString(strings.Join(socks, "\n") + "\n")
}

// recordedShimSockets returns every shim socket recorded or present now.
func recordedShimSockets(n *Node) []string {
	socks := shimSockets(n)
	if data, err := os.ReadFile(shimSocketsFile(n)); err == nil {
		socks = append(socks, strings.Fields(string(data))...)
	}
	return socks
}
