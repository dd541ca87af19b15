package main

import (
	"net/http"
	"os"
	"path/filepath"
	"time"
)

func etcdComponent(c *Config) Component {
	dataDir := filepath.Join(c.StateDir, "etcd")
	return Component{
		Name:    "etcd",
		Bin:     "etcd",
		Version: c.Versions["ETCD_VERSION"],
		URL:     etcdClientURL,
		Args: []string{
			"--name=kdrill-lab",
			"--data-dir=" + dataDir,
			"--listen-client-urls=" + etcdClientURL,
			"--advertise-client-urls=" + etcdClientURL,
			"--listen-peer-urls=" + etcdPeerURL,
			"--initial-advertise-peer-urls=" + etcdPeerURL,
			"--initial-cluster=kdrill-lab=" + etcdPeerURL,
			"--quota-backend-bytes=2147483648",
			"--snapshot-count=10000",
			"--log-level=warn",
		},
		Prepare: func() error { return os.MkdirAll(dataDir, 0o700) },
		Ready: func() error {
			return httpOK(&http.Client{Timeout: 2 * time.Second}, etcdClientURL+"/health")
		},
		ReadyTimeout: 30 * time.Second,
	}
}
