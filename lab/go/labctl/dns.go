package main

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"time"
)

// corefile serves cluster.local from the API server on every bridge gateway.
func corefile(c *Config) string {
	var gws []string
	for _, n := range c.Nodes {
		gws = append(gws, n.Gateway)
	}
	return fmt.Sprintf(`%s:53 in-addr.arpa:53 {
    bind %s
    errors
    cache 5
    kubernetes %s in-addr.arpa {
        kubeconfig %s kdrill-lab
        pods insecure
        ttl 5
    }
}
`, c.ClusterDomain, strings.Join(gws, " "), c.ClusterDomain, c.Kubeconfig)
}

func corednsComponent(c *Config) Component {
	dir := filepath.Join(c.StateDir, "coredns")
	cf := filepath.Join(dir, "Corefile")
	var addrs []string
	for _, n := range c.Nodes {
		addrs = append(addrs, n.Gateway+":53")
	}
	return Component{
		Name:    "coredns",
		Bin:     "coredns",
		Version: c.Versions["COREDNS_VERSION"],
		URL:     "dns://" + strings.Join(addrs, ",dns://"),
		Args:    []string{"-conf", cf},
		Prepare: func() error {
			if err := mkdirs(dir); err != nil {
				return err
			}
			return writeFileAtomic(cf, []byte(corefile(c)), 0o644)
		},
		Ready: func() error {
			for _, n := range c.Nodes {
				if err := dnsLookup(n.Gateway, "kubernetes.default.svc."+c.ClusterDomain); err != nil {
					return err
				}
			}
			return nil
		},
		ReadyTimeout: 60 * time.Second,
	}
}

// dnsLookup resolves name through the DNS server at ip:53.
func dnsLookup(ip, name string) error {
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		d := net.Dialer{Timeout: time.Second}
		return d.DialContext(ctx, "udp", net.JoinHostPort(ip, "53"))
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	addrs, err := r.LookupHost(ctx, name)
	if err != nil {
		return fmt.Errorf("resolve %s at %s: %w", name, ip, err)
	}
	if len(addrs) == 0 {
		return fmt.Errorf("resolve %s at %s: no address", name, ip)
	}
	return nil
}
