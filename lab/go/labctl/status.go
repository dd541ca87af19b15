package main

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
)

// cmdStatus prints every component with its PID, liveness, version and URL.
func cmdStatus(c *Config, args []string) error {
	s, err := loadState(c)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "COMPONENT\tPID\tSTATE\tVERSION\tURL")
	running, total := 0, 0
	for _, comp := range components(c) {
		total++
		p := s.Procs[comp.Name]
		pid, st := "-", "stopped"
		if p != nil {
			pid = fmt.Sprint(p.PID)
			if p.alive() {
				st = "running"
				running++
			} else {
				st = "DEAD"
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", comp.Name, pid, st, comp.Version, comp.URL)
	}
	if p := s.Procs[kwokName]; p != nil { // optional: started by `kwok up`
		st := "DEAD"
		if p.alive() {
			st = "running"
		}
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\n", kwokName, p.PID, st, c.Versions["KWOK_VERSION"], "(fake nodes: kubectl get nodes -l "+kwokFakeKey+"="+kwokFakeVal+")")
	}
	w.Flush()
	fmt.Printf("\nAPI server:  %s\nkubeconfig:  %s\nstate:       %s\nbinaries:    %s\nlogs:        %s/<component>.log\n",
		c.APIServer, c.Kubeconfig, c.StateDir, c.BinDir, c.LogDir)
	if running > 0 {
		if err := nodesReady(c); err != nil {
			fmt.Printf("nodes:       %v\n", err)
		} else {
			var names []string
			for _, n := range c.Nodes {
				names = append(names, n.Name)
			}
			fmt.Printf("nodes:       %s Ready\n", strings.Join(names, ", "))
		}
	}
	fmt.Printf("summary:     %d/%d components running\n", running, total)
	return nil
}

// cmdEnv prints the shell exports for using the lab.
func cmdEnv(c *Config, args []string) error {
	fmt.Printf("export KUBECONFIG=%s\n", c.Kubeconfig)
	fmt.Printf("export PATH=%s:$PATH\n", c.BinDir)
	return nil
}
