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
	// A bridge whose MAC was never set takes the lowest MAC of its ports,
	// so it changes when a pod's veth leaves; every other pod on the node
	// then holds a stale ARP entry for the gateway (DNS and cross-node
	// traffic) for up to ~30 s. A MAC set once stays (addr_assign_type 3).
	if _, err := run(10*time.Second, "ip", "link", "set", "dev", n.Bridge, "address", bridgeMAC(n)); err != nil {
		return err
	}
	_, err = run(10*time.Second, "ip", "link", "set", n.Bridge, "up")
	return err
}

// bridgeMAC is the fixed address of a node's pod bridge: locally
// administered, unicast, and unique per node (from its gateway address).
func bridgeMAC(n *Node) string {
	ip := net.ParseIP(n.Gateway).To4()
	if ip == nil {
		return "02:6b:64:00:00:01"
	}
	return fmt.Sprintf("02:6b:64:%02x:%02x:%02x", ip[1], ip[2], ip[3])
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
