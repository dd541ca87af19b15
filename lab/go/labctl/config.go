package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// Node is one kubelet of the lab with everything that belongs to it alone.
type Node struct {
	Name               string // node name = its IP ("127.0.0.2")
	Letter             string // "a" | "b" (label kdrill.io/lab-node)
	IP                 string // kubelet address, healthz and node InternalIP
	Dir                string // <state>/nodes/<name>
	KubeletDir         string // kubelet --root-dir
	PluginsRegistryDir string // <KubeletDir>/plugins_registry
	PluginsDir         string // <KubeletDir>/plugins
	ContainerdDir      string // <Dir>/containerd (config, root, state)
	ContainerdSock     string // <ContainerdDir>/containerd.sock
	CNIConfDir         string // <Dir>/cni/net.d
	CNIDataDir         string // <Dir>/cni/ipam (host-local leases)
	CgroupRoot         string // "/kdrill-lab-a" (kubelet cgroupRoot, in every v1 hierarchy)
	Bridge             string // "kdrlab-a"
	Subnet             string // "10.244.1.0/24"
	Gateway            string // "10.244.1.1" (bridge address, CoreDNS, clusterDNS)
	NetName            string // CNI network name "kdrill-lab-a"
}

// Config is everything labctl derives from the environment and lab/versions.env.
type Config struct {
	LabDir     string // lab/ in the checkout
	StateDir   string // ${KDRILL_LAB_STATE:-/var/lib/kdrill-lab}
	CacheRoot  string // ${KDRILL_LAB_CACHE:-$HOME/.cache/kdrill-lab}
	CacheDir   string // <CacheRoot>/<hash>
	BinDir     string // <CacheDir>/bin
	ImagesDir  string // <CacheDir>/images
	FilesDir   string // <CacheDir>/files (files taken from pinned Go modules, e.g. CRDs)
	GoCache    string // <CacheRoot>/go-build (shared Go build cache)
	PKIDir     string // <state>/pki
	LogDir     string // <state>/logs
	RunDir     string // <state>/run
	CSIDir     string // <state>/csi
	Kubeconfig string // <state>/admin.kubeconfig
	APIServer  string // https://127.0.0.1:6443
	Versions   map[string]string
	Nodes      []*Node

	ServiceCIDR   string
	PodCIDR       string
	ClusterDomain string
}

// Fixed lab addresses (see lab/CONTRACT.md).
const (
	etcdClientURL  = "http://127.0.0.1:12379"
	etcdPeerURL    = "http://127.0.0.1:12380"
	apiserverURL   = "https://127.0.0.1:6443"
	kcmPort        = 10257
	schedulerPort  = 10259
	kubeletPort    = 10250
	kubeletHealthz = 10248
)

func loadConfig() (*Config, error) {
	labDir := os.Getenv("KDRILL_LAB_DIR")
	if labDir == "" {
		wd, _ := os.Getwd()
		for d := wd; d != "/"; d = filepath.Dir(d) {
			if fileExists(filepath.Join(d, "lab", "versions.env")) {
				labDir = filepath.Join(d, "lab")
				break
			}
		}
	}
	if labDir == "" || !fileExists(filepath.Join(labDir, "versions.env")) {
		return nil, fmt.Errorf("cannot find lab/versions.env: run labctl through lab/lab or set KDRILL_LAB_DIR")
	}
	labDir, _ = filepath.Abs(labDir)
	state := envOr("KDRILL_LAB_STATE", "/var/lib/kdrill-lab")
	home, _ := os.UserHomeDir()
	cacheRoot := envOr("KDRILL_LAB_CACHE", filepath.Join(home, ".cache", "kdrill-lab"))
	state, _ = filepath.Abs(state)
	cacheRoot, _ = filepath.Abs(cacheRoot)

	versions, err := readEnvFile(filepath.Join(labDir, "versions.env"))
	if err != nil {
		return nil, err
	}
	c := &Config{
		LabDir:        labDir,
		StateDir:      state,
		CacheRoot:     cacheRoot,
		GoCache:       filepath.Join(cacheRoot, "go-build"),
		PKIDir:        filepath.Join(state, "pki"),
		LogDir:        filepath.Join(state, "logs"),
		RunDir:        filepath.Join(state, "run"),
		CSIDir:        filepath.Join(state, "csi"),
		Kubeconfig:    filepath.Join(state, "admin.kubeconfig"),
		APIServer:     apiserverURL,
		Versions:      versions,
		ServiceCIDR:   "10.96.0.0/16",
		PodCIDR:       "10.244.0.0/16",
		ClusterDomain: "cluster.local",
	}
	hash, err := cacheKey(c)
	if err != nil {
		return nil, err
	}
	c.CacheDir = filepath.Join(cacheRoot, hash)
	c.BinDir = filepath.Join(c.CacheDir, "bin")
	c.ImagesDir = filepath.Join(c.CacheDir, "images")
	c.FilesDir = filepath.Join(c.CacheDir, "files")
	for i, letter := range []string{"a", "b"} {
		ip := fmt.Sprintf("127.0.0.%d", i+2)
		dir := filepath.Join(state, "nodes", ip)
		n := &Node{
			Name:          ip,
			Letter:        letter,
			IP:            ip,
			Dir:           dir,
			KubeletDir:    filepath.Join(dir, "kubelet"),
			ContainerdDir: filepath.Join(dir, "containerd"),
			CNIConfDir:    filepath.Join(dir, "cni", "net.d"),
			CNIDataDir:    filepath.Join(dir, "cni", "ipam"),
			CgroupRoot:    "/kdrill-lab-" + letter,
			Bridge:        "kdrlab-" + letter,
			Subnet:        fmt.Sprintf("10.244.%d.0/24", i+1),
			Gateway:       fmt.Sprintf("10.244.%d.1", i+1),
			NetName:       "kdrill-lab-" + letter,
		}
		n.PluginsRegistryDir = filepath.Join(n.KubeletDir, "plugins_registry")
		n.PluginsDir = filepath.Join(n.KubeletDir, "plugins")
		n.ContainerdSock = filepath.Join(n.ContainerdDir, "containerd.sock")
		c.Nodes = append(c.Nodes, n)
		if len(n.ContainerdSock)+len(".ttrpc") >= 108 {
			return nil, fmt.Errorf("KDRILL_LAB_STATE=%s is too long: unix socket %s would exceed 107 bytes", state, n.ContainerdSock)
		}
	}
	return c, nil
}

// Bin is the absolute path of a built binary in the cache.
func (c *Config) Bin(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(c.BinDir, name)
}

func (c *Config) pki(name string) string { return filepath.Join(c.PKIDir, name) }

func (c *Config) logPath(component string) string {
	return filepath.Join(c.LogDir, component+".log")
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
