package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// KWOK (Kubernetes WithOut Kubelet) fakes nodes and the pods scheduled onto
// them, so bench/scale can load the API server and kdrill's watches with a
// thousand pods that cost no containers. It is not part of `up`: `kwok up`
// builds it on first use (lab/go/kwok, pinned by KWOK_VERSION), starts it as
// a recorded component and registers the fake nodes; `kwok down` and `down`
// delete those nodes and stop it by its recorded PID.
//
// Contract of a fake node: named kwok-<i>, annotated and labelled
// kwok.x-k8s.io/node=fake (KWOK manages nodes by the annotation; the label is
// how they are found and deleted) and tainted kwok.x-k8s.io/node=fake:NoSchedule,
// so only pods that tolerate the taint land there and the lab's real
// workloads never do. KWOK marks a pod bound to a fake node Running and
// Ready, and finishes a pod's deletion at once (the Stage documents below).

const (
	kwokName     = "kwok"
	kwokFakeKey  = "kwok.x-k8s.io/node"
	kwokFakeVal  = "fake"
	kwokPodCIDR  = "10.250.0.0/20" // fake pod IPs: never routed, never contacted
	kwokMaxNodes = 50
)

func kwokBuild(c *Config) Build {
	return Build{Module: "kwok", Pkg: "sigs.k8s.io/kwok/cmd/kwok", Out: "kwok",
		LDFlags: []string{"-X sigs.k8s.io/kwok/pkg/consts.Version=" + c.Versions["KWOK_VERSION"]}}
}

// kwokStages are KWOK's own Stage documents for nodes and pods, taken from
// the pinned module: nodes become Ready and keep a lease; pods become Ready,
// complete when their containers would, and vanish when deleted.
func kwokStages(c *Config) ModuleFiles {
	return ModuleFiles{
		Module:  "kwok",
		Path:    "sigs.k8s.io/kwok",
		Version: c.Versions["KWOK_VERSION"],
		Files: []string{
			"kustomize/stage/node/fast/node-initialize.yaml",
			"kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
			"kustomize/stage/pod/fast/pod-ready.yaml",
			"kustomize/stage/pod/fast/pod-complete.yaml",
			"kustomize/stage/pod/fast/pod-delete.yaml",
		},
		Out: "kwok-stages",
		Check: func(name string, data []byte) error {
			if !strings.Contains(string(data), "kind: Stage") {
				return fmt.Errorf("not a KWOK Stage document")
			}
			return nil
		},
	}
}

func kwokComponent(c *Config) Component {
	mf := kwokStages(c)
	args := []string{
		"--kubeconfig", c.Kubeconfig,
		"--manage-nodes-with-annotation-selector", kwokFakeKey + "=" + kwokFakeVal,
		"--cidr", kwokPodCIDR,
		"--node-ip", "127.0.0.1",
	}
	for _, f := range mf.Files {
		args = append(args, "--config", stagedFile(c, mf, f))
	}
	return Component{
		Name:    kwokName,
		Bin:     "kwok",
		Version: c.Versions["KWOK_VERSION"],
		Args:    args,
	}
}

// fakeNodeManifest is a Node object KWOK will manage.
func fakeNodeManifest(name string) string {
	return fmt.Sprintf(`{"apiVersion":"v1","kind":"Node","metadata":{"name":%q,`+
		`"annotations":{%q:%q},"labels":{%q:%q,"kubernetes.io/hostname":%q,"type":"kwok"}},`+
		`"spec":{"taints":[{"key":%q,"value":%q,"effect":"NoSchedule"}]}}`,
		name, kwokFakeKey, kwokFakeVal, kwokFakeKey, kwokFakeVal, name, kwokFakeKey, kwokFakeVal)
}

// cmdKwok implements `kwok up [--nodes N]` and `kwok down`.
func cmdKwok(c *Config, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: kwok up [--nodes N] | kwok down")
	}
	switch args[0] {
	case "up":
		nodes := 2
		for i := 1; i < len(args); i++ {
			a := args[i]
			v, hasValue := "", false
			if k, val, ok := strings.Cut(a, "="); ok {
				a, v, hasValue = k, val, true
			}
			if a != "--nodes" {
				return fmt.Errorf("kwok up: unknown argument %q (usage: kwok up [--nodes N])", args[i])
			}
			if !hasValue {
				if i+1 >= len(args) {
					return fmt.Errorf("kwok up: --nodes needs a number")
				}
				i++
				v = args[i]
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > kwokMaxNodes {
				return fmt.Errorf("kwok up: --nodes wants a number from 1 to %d, not %q", kwokMaxNodes, v)
			}
			nodes = n
		}
		return kwokUp(c, nodes)
	case "down":
		if len(args) > 1 {
			return fmt.Errorf("kwok down: unknown argument %q", args[1])
		}
		s, err := loadState(c)
		if err != nil {
			return err
		}
		delErr := deleteFakeNodes(c, s)
		stopComponent(s, kwokName, 10*time.Second)
		if err := s.save(c); err != nil {
			return err
		}
		if delErr != nil {
			return fmt.Errorf("kwok down: %v", delErr)
		}
		return nil
	default:
		return fmt.Errorf("kwok: unknown subcommand %q (usage: kwok up [--nodes N] | kwok down)", args[0])
	}
}

func kwokUp(c *Config, nodes int) error {
	if err := checkVersions(c); err != nil {
		return err
	}
	s, err := loadState(c)
	if err != nil {
		return err
	}
	if !s.Procs["kube-apiserver"].alive() {
		return fmt.Errorf("kwok up: the lab is not up (run lab/lab up first)")
	}
	b := kwokBuild(c)
	if err := mkdirs(c.BinDir, c.GoCache); err != nil {
		return err
	}
	if !fileExists(c.Bin(b.Out)) && !reuseBuilt(c, b) {
		if err := buildOne(c, b, 1, 1); err != nil {
			return err
		}
	}
	if err := stageModuleFiles(c, kwokStages(c)); err != nil {
		return err
	}
	if err := ensure(c, s, kwokComponent(c)); err != nil {
		return err
	}
	start := time.Now()
	var names []string
	for i := 0; i < nodes; i++ {
		name := fmt.Sprintf("kwok-%d", i)
		names = append(names, name)
		if _, err := kubectl(c, 10*time.Second, "get", "node", name, "-o", "name"); err == nil {
			continue
		}
		cmd := kubectlCmd(c, "create", "-f", "-")
		cmd.Stdin = strings.NewReader(fakeNodeManifest(name))
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("kwok up: create node %s: %v: %s", name, err, strings.TrimSpace(string(out)))
		}
	}
	// KWOK's node-initialize stage marks them Ready.
	err = poll(60*time.Second, 250*time.Millisecond, func() error {
		out, err := kubectl(c, 10*time.Second, "get", "nodes", "-l", kwokFakeKey+"="+kwokFakeVal, "-o",
			`jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}`)
		if err != nil {
			return err
		}
		ready := 0
		for _, f := range strings.Fields(out) {
			if strings.HasSuffix(f, "=True") {
				ready++
			}
		}
		if ready < nodes {
			return fmt.Errorf("%d of %d fake nodes Ready (%s)", ready, nodes, strings.TrimSpace(out))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("kwok up: %v (log %s)", err, c.logPath(kwokName))
	}
	logf("fake nodes %s Ready in %s (managed by KWOK %s; taint %s=%s:NoSchedule)",
		strings.Join(names, ", "), since(start), c.Versions["KWOK_VERSION"], kwokFakeKey, kwokFakeVal)
	return nil
}

// deleteFakeNodes deletes every node labelled as a KWOK fake. Nothing to do
// when the API server is not running. An error when fake nodes may be left:
// kubectl is missing from the lab's cache (the lab's versions changed since
// it came up: run lab/lab up first) or the delete failed.
func deleteFakeNodes(c *Config, s *State) error {
	if !s.Procs["kube-apiserver"].alive() {
		return nil
	}
	if !fileExists(c.Bin("kubectl")) {
		return fmt.Errorf("cannot delete the fake nodes: %s is missing (lab/versions.env changed since the lab came up? run lab/lab up, then lab/lab kwok down)", c.Bin("kubectl"))
	}
	out, err := kubectl(c, 30*time.Second, "delete", "nodes", "-l", kwokFakeKey+"="+kwokFakeVal, "--wait=false")
	if err != nil {
		return fmt.Errorf("cannot delete the fake nodes: %v", err)
	}
	if strings.TrimSpace(out) != "" && !strings.Contains(out, "No resources") {
		logf("deleted fake nodes: %s", strings.Join(strings.Fields(strings.ReplaceAll(out, "node \"", "")), " "))
	}
	return nil
}
