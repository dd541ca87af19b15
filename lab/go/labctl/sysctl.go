package main

import (
	"os"
	"path/filepath"
	"strings"
)

// labSysctls are the kernel settings the lab (or the kubelet and the bridge
// CNI plugin it starts) may change; up records their values first, down
// restores them.
var labSysctls = []string{
	"net.ipv4.ip_forward",              // bridge plugin (isGateway)
	"net.ipv4.conf.all.route_localnet", // kube-proxy (not run; kept for safety)
	"vm.overcommit_memory",             // kubelet kernel tunables
	"vm.panic_on_oom",
	"kernel.panic",
	"kernel.panic_on_oops",
	"kernel.keys.root_maxkeys",
	"kernel.keys.root_maxbytes",
	"fs.inotify.max_user_instances", // raised by the lab for two kubelets
}

func sysctlPath(name string) string {
	return filepath.Join("/proc/sys", strings.ReplaceAll(name, ".", "/"))
}

func readSysctl(name string) (string, bool) {
	data, err := os.ReadFile(sysctlPath(name))
	if err != nil {
		return "", false
	}
	return strings.TrimSpace(string(data)), true
}

func writeSysctl(name, value string) error {
	return os.WriteFile(sysctlPath(name), []byte(value+"\n"), 0o644)
}

// recordSysctls stores the current values unless a record already exists
// (a record means a previous up has not been undone by down yet).
func recordSysctls(c *Config, s *State) error {
	if len(s.Sysctls) > 0 {
		return nil
	}
	for _, k := range labSysctls {
		if v, ok := readSysctl(k); ok {
			s.Sysctls[k] = v
		}
	}
	return s.save(c)
}

func restoreSysctls(s *State) []error {
	var errs []error
	for k, v := range s.Sysctls {
		if cur, ok := readSysctl(k); ok && cur != v {
			if err := writeSysctl(k, v); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errs
}
