// lab-csi-driver is the CSI driver of the kdrill lab (driver name
// lab.kdrill.io): volumes are sparse image files formatted xfs (or ext4)
// and loop-mounted on the host, so they are real, capped filesystems that
// can grow online.
//
//	lab-csi-driver --mode=controller --csi-dir=<state>/csi [--endpoint=unix://<state>/csi/controller.sock]
//	lab-csi-driver --mode=node --node-id=<node> --csi-dir=<state>/csi --kubelet-dir=<kubelet root>
//	lab-csi-driver --mode=cleanup --csi-dir=<state>/csi
//
// The node mode also serves the kubelet plugin registration socket
// <kubelet root>/plugins_registry/lab.kdrill.io-reg.sock, so no
// node-driver-registrar is needed. The cleanup mode (for `lab down`, after
// the pods' mounts are gone) unmounts what is left under the CSI dir and
// detaches every loop device backed by a file under it.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"kdrill.io/lab/csi/internal/driver"
	"kdrill.io/lab/csi/internal/volume"
)

func main() {
	mode := flag.String("mode", "", "controller | node | cleanup")
	csiDir := flag.String("csi-dir", "", "CSI state dir (<state>/csi): volumes/, mounts/, snapshots/, locks/")
	endpoint := flag.String("endpoint", "", "CSI socket (default controller: <csi-dir>/controller.sock; node: <kubelet-dir>/plugins/lab.kdrill.io/csi.sock)")
	nodeID := flag.String("node-id", "", "node mode: the node name (as the kubelet knows it)")
	kubeletDir := flag.String("kubelet-dir", "", "node mode: the kubelet --root-dir")
	regDir := flag.String("registration-dir", "", "node mode: kubelet plugin registration dir (default <kubelet-dir>/plugins_registry)")
	maxVolume := flag.String("max-volume-size", "8Gi", "largest volume (and expansion) accepted")
	minFree := flag.String("min-host-free", "2Gi", "refuse creating/growing volumes that could leave less free on the host filesystem")
	defaultFs := flag.String("default-fstype", "xfs", "filesystem for volumes whose request names none (xfs | ext4)")
	verbose := flag.Bool("v", false, "log every external command")
	version := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *version {
		fmt.Println(driver.Name, driver.Version)
		return
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})).With("mode", *mode)
	if *nodeID != "" {
		log = log.With("node", *nodeID)
	}
	fail := func(format string, a ...any) {
		log.Error(fmt.Sprintf(format, a...))
		os.Exit(1)
	}
	if *csiDir == "" {
		fail("--csi-dir is required")
	}
	dir, err := filepath.Abs(*csiDir)
	if err != nil {
		fail("%v", err)
	}
	store, err := volume.New(dir, log)
	if err != nil {
		fail("state dir: %v", err)
	}
	if store.MaxVolumeBytes, err = parseSize(*maxVolume); err != nil {
		fail("--max-volume-size: %v", err)
	}
	if store.MinFreeBytes, err = parseSize(*minFree); err != nil {
		fail("--min-host-free: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	switch *mode {
	case "controller":
		ep := *endpoint
		if ep == "" {
			ep = filepath.Join(dir, "controller.sock")
		}
		sock, err := driver.ParseEndpoint(ep)
		if err != nil {
			fail("%v", err)
		}
		if !volume.SupportedFs(*defaultFs) {
			fail("--default-fstype=%s: want xfs or ext4", *defaultFs)
		}
		d := &driver.Driver{Store: store, Log: log, Controller: true, DefaultFsType: *defaultFs}
		log.Info("starting", "driver", driver.Name, "version", driver.Version, "csiDir", dir)
		if err := d.Serve(ctx, sock); err != nil {
			fail("serve: %v", err)
		}
	case "node":
		if *nodeID == "" || *kubeletDir == "" {
			fail("--mode=node needs --node-id and --kubelet-dir")
		}
		ep := *endpoint
		if ep == "" {
			ep = filepath.Join(*kubeletDir, "plugins", driver.Name, "csi.sock")
		}
		sock, err := driver.ParseEndpoint(ep)
		if err != nil {
			fail("%v", err)
		}
		rd := *regDir
		if rd == "" {
			rd = filepath.Join(*kubeletDir, "plugins_registry")
		}
		d := &driver.Driver{Store: store, Log: log, NodeID: *nodeID}
		log.Info("starting", "driver", driver.Name, "version", driver.Version, "csiDir", dir, "kubeletDir", *kubeletDir)
		errc := make(chan error, 2)
		go func() { errc <- d.Serve(ctx, sock) }()
		go func() {
			errc <- driver.ServeRegistration(ctx, filepath.Join(rd, driver.Name+"-reg.sock"), sock, log)
		}()
		for i := 0; i < 2; i++ {
			if err := <-errc; err != nil {
				fail("serve: %v", err)
			}
			stop() // one ended: end the other
		}
	case "cleanup":
		left := store.Cleanup()
		for _, l := range left {
			fmt.Fprintln(os.Stderr, "left:", l)
		}
		if len(left) > 0 {
			os.Exit(1)
		}
	default:
		fail("--mode must be controller, node or cleanup")
	}
}

// parseSize reads sizes like 512Mi, 8Gi or a byte count.
func parseSize(s string) (int64, error) {
	mult := int64(1)
	for suf, m := range map[string]int64{"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40} {
		if strings.HasSuffix(s, suf) {
			mult, s = m, strings.TrimSuffix(s, suf)
			break
		}
	}
	var n int64
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || n < 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}
