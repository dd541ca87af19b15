package main

import (
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"time"
)

// ensureBridge creates the node's pod bridge with its gateway address (done
// before containerd and CoreDNS start, so CoreDNS can bind the gateway).
func ensureBridge(c *Config, s *State, n *Node) error {
	if _, err := net.InterfaceByName(n.Bridge); err != nil {
		if _, err := run(10*time.Second, "ip", "link", "add", n.Bridge, "type", "bridge"); err != nil {
			return err
		}
	}
	s.Bridges = appendUnique(s.Bridges, n.Bridge)
	if err := s.save(c); err != nil {
		return err
	}
	ones := strings.Split(n.Subnet, "/")[1]
	out, err := run(10*time.Second, "ip", "-o", "-4", "addr", "show", "dev", n.Bridge)
	if err != nil {
		return err
	}
	if !strings.Contains(out, " "+n.Gateway+"/") {
		if _, err := run(10*time.Second, "ip", "addr", "add", n.Gateway+"/"+ones, "dev", n.Bridge); err != nil {
			return err
		}
	}
	_, err = run(10*time.Second, "ip", "link", "set", n.Bridge, "up")
	return err
}

// writeCNIConfig writes the bridge + host-local conflist for one node: pods get
// an address in the node's subnet and routes only to the pod network and the
// service CIDR (no default route).
func writeCNIConfig(c *Config, n *Node) error {
	conf := map[string]any{
		"cniVersion": "0.4.0",
		"name":       n.NetName,
		"plugins": []any{
			map[string]any{
				"type":             "bridge",
				"bridge":           n.Bridge,
				"isGateway":        true,
				"isDefaultGateway": false,
				"ipMasq":           false,
				"hairpinMode":      true,
				"ipam": map[string]any{
					"type":    "host-local",
					"dataDir": n.CNIDataDir,
					"ranges":  [][]map[string]string{{{"subnet": n.Subnet, "gateway": n.Gateway}}},
					"routes":  []map[string]string{{"dst": c.PodCIDR}, {"dst": c.ServiceCIDR}},
				},
			},
		},
	}
	data, err := json.MarshalIndent(conf, "", "  ")
	if err != nil {
		return err
	}
	if err := mkdirs(n.CNIConfDir, n.CNIDataDir); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(n.CNIConfDir, "10-"+n.NetName+".conflist"), data, 0o644)
}

func deleteBridge(name string) error {
	if _, err := net.InterfaceByName(name); err != nil {
		return nil
	}
	_, err := run(10*time.Second, "ip", "link", "del", name)
	if err != nil {
		return fmt.Errorf("delete bridge %s: %w", name, err)
	}
	return nil
}
