// Command labctl runs the kdrill lab: a local Kubernetes cluster of real,
// pinned components (etcd, kube-apiserver, controller-manager, scheduler,
// CoreDNS, two containerd + kubelet nodes) on this machine. lab/lab builds
// and runs it; see lab/README.md and lab/CONTRACT.md.
package main

import (
	"fmt"
	"os"
	"time"
)

type command struct {
	name  string
	usage string
	lock  bool // takes the lab lock (changes state or the build cache)
	run   func(c *Config, args []string) error
}

// commands is the one table of labctl subcommands.
var commands = []command{
	{"up", "up                     start the lab (builds what is missing); prints the kubeconfig path last", true, cmdUp},
	{"down", "down [--keep]          stop the lab and undo every host change; --keep keeps the state dir", true, cmdDown},
	{"status", "status                 components, PIDs, alive or not, versions, URLs", false, cmdStatus},
	{"env", "env                    shell exports: KUBECONFIG and PATH with the pinned binaries", false, cmdEnv},
	{"build", "build                  build every binary and image into the cache (no cluster)", true, cmdBuild},
	{"image", "image build NAME [--import] [--out FILE]   build a catalogue image (image list: postgres)\n" +
		"                         image build --name N [--from-deb PKG[=VER]]... [--with-deps] [--file SRC:DST]... [--c-source SRC.c:DST]...\n" +
		"                         [--busybox-links] [--entrypoint ARG]... [--cmd ARG]... [--env K=V]... [--workdir DIR] [--out FILE] [--import]\n" +
		"                         build an OCI archive (and import it into the running nodes)", true, cmdImage},
	{"kwok", "kwok up [--nodes N]     fake N nodes (default 2) with KWOK for bench/scale (built on first use); kwok down removes them", true, cmdKwok},
	{"check", "check                  verify lab/go/*/go.mod agree with lab/versions.env", false, cmdCheck},
	{"paths", "paths                  print state, cache and binary dirs (KEY=VALUE)", false, cmdPaths},
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: lab/lab <command> [args]\ncommands:")
	for _, c := range commands {
		fmt.Fprintln(os.Stderr, "  "+c.usage)
	}
}

func main() {
	markInheritedFdsCloseOnExec()
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		if len(os.Args) < 2 {
			os.Exit(2)
		}
		return
	}
	var cmd *command
	for i := range commands {
		if commands[i].name == os.Args[1] {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		fmt.Fprintf(os.Stderr, "lab: unknown command %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	c, err := loadConfig()
	if err != nil {
		fail(err)
	}
	if cmd.lock {
		if os.Geteuid() != 0 {
			fail(fmt.Errorf("%s needs root (network, cgroups, mounts)", cmd.name))
		}
		if err := acquireLock(30 * time.Minute); err != nil {
			fail(err)
		}
	}
	if err := cmd.run(c, os.Args[2:]); err != nil {
		fail(err)
	}
}

// fail prints the error (a ComponentError carries the component's log tail)
// and exits non-zero.
func fail(err error) {
	fmt.Fprintf(os.Stderr, "lab: FAILED: %v\n", err)
	os.Exit(1)
}

func cmdBuild(c *Config, args []string) error {
	if err := buildAll(c); err != nil {
		return err
	}
	for _, spec := range labImages(c) {
		if _, err := imageArchive(c, spec); err != nil {
			return err
		}
	}
	fmt.Println(c.BinDir)
	return nil
}

func cmdPaths(c *Config, args []string) error {
	fmt.Printf("LAB_DIR=%s\nSTATE_DIR=%s\nCACHE_DIR=%s\nBIN_DIR=%s\nIMAGES_DIR=%s\nFILES_DIR=%s\nKUBECONFIG=%s\nLOG_DIR=%s\nCSI_DIR=%s\n",
		c.LabDir, c.StateDir, c.CacheDir, c.BinDir, c.ImagesDir, c.FilesDir, c.Kubeconfig, c.LogDir, c.CSIDir)
	return nil
}
