package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// extractDebs fetches the packages with `apt-get download` and extracts
// them into rootfs (maintainer scripts are not run). When a download is not
// possible and the same version is installed on this machine, the installed
// files (dpkg -L) are copied instead.
func extractDebs(tmp, rootfs string, debs []string, withDeps bool) error {
	pkgs := debs
	if withDeps {
		var err error
		if pkgs, err = debClosureExcluding(debs, nil, aptDependsOf); err != nil {
			return err
		}
	}
	dl := filepath.Join(tmp, "debs")
	if err := mkdirs(dl); err != nil {
		return err
	}
	// One apt-get call for all packages; per package only when that fails.
	batch := append([]string{"download", "-q", "-o", "APT::Sandbox::User=root"}, pkgs...)
	if _, err := runIn(dl, 600*time.Second, "apt-get", batch...); err != nil {
		for _, p := range pkgs {
			before, _ := filepath.Glob(filepath.Join(dl, "*.deb"))
			if _, err := runIn(dl, 300*time.Second, "apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", p); err == nil {
				continue
			} else if cerr := copyInstalled(rootfs, p); cerr != nil {
				return fmt.Errorf("package %s: download failed (%v) and not installed in that version (%v)", p, err, cerr)
			}
			logf("package %s: copied from the installed package (apt-get download failed)", p)
			after, _ := filepath.Glob(filepath.Join(dl, "*.deb"))
			for _, f := range newFiles(before, after) {
				os.Remove(f)
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join(dl, "*.deb"))
	sort.Strings(files)
	for _, f := range files {
		if _, err := run(120*time.Second, "dpkg-deb", "-x", f, rootfs); err != nil {
			return err
		}
	}
	return nil
}

func newFiles(before, after []string) []string {
	seen := map[string]bool{}
	for _, b := range before {
		seen[b] = true
	}
	var out []string
	for _, a := range after {
		if !seen[a] {
			out = append(out, a)
		}
	}
	return out
}

// copyInstalled copies the files of an installed package (same version) into rootfs.
func copyInstalled(rootfs, pkg string) error {
	name, want, _ := strings.Cut(pkg, "=")
	ver, err := run(10*time.Second, "dpkg-query", "-W", "-f=${Version}", name)
	if err != nil {
		return err
	}
	if want != "" && strings.TrimSpace(ver) != want {
		return fmt.Errorf("installed %s is %s, want %s", name, strings.TrimSpace(ver), want)
	}
	list, err := run(10*time.Second, "dpkg", "-L", name)
	if err != nil {
		return err
	}
	for _, f := range strings.Split(list, "\n") {
		f = strings.TrimSpace(f)
		if f == "" || f == "/." {
			continue
		}
		fi, err := os.Lstat(f)
		if err != nil || fi.IsDir() {
			if err == nil {
				mkdirs(filepath.Join(rootfs, f))
			}
			continue
		}
		if err := mkdirs(filepath.Join(rootfs, filepath.Dir(f))); err != nil {
			return err
		}
		if _, err := run(30*time.Second, "cp", "-a", f, filepath.Join(rootfs, f)); err != nil {
			return err
		}
	}
	return nil
}
