package main

import (
	"fmt"
	"path/filepath"
	"strings"
)

// cmdImage implements `image build`: a catalogue image by name (`image
// build postgres`), or a generic OCI image from Debian packages, files and
// C sources; optionally imported into the running nodes. `image list`
// prints the catalogue.
func cmdImage(c *Config, args []string) error {
	if len(args) == 1 && args[0] == "list" {
		for _, n := range catalogNames(c) {
			fmt.Printf("%s\t%s\n", n, catalogImages(c)[n].Name)
		}
		return nil
	}
	if len(args) == 0 || args[0] != "build" {
		return fmt.Errorf("usage: image build CATALOGUE-NAME|--name NAME [options], or image list (see lab/lab help)")
	}
	var spec ImageSpec
	out, doImport := "", false
	first := 1
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
		var err error
		if spec, err = catalogImage(c, args[1]); err != nil {
			return err
		}
		first = 2
	}
	catalogue := first == 2
	for i := first; i < len(args); i++ {
		a := args[i]
		val := func() (string, error) {
			if k, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(k, "--") {
				return v, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("%s needs a value", a)
			}
			i++
			return args[i], nil
		}
		flag, _, _ := strings.Cut(a, "=")
		var v string
		var err error
		if catalogue && flag != "--out" && flag != "--import" {
			return fmt.Errorf("image build %s: %s does not apply to a catalogue image (only --out and --import)", args[1], flag)
		}
		switch flag {
		case "--with-deps":
			spec.WithDeps = true
			continue
		case "--busybox-links":
			spec.BusyboxLinks = true
			continue
		case "--import":
			doImport = true
			continue
		}
		if v, err = val(); err != nil {
			return err
		}
		switch flag {
		case "--name":
			spec.Name = v
		case "--from-deb":
			spec.Debs = append(spec.Debs, v)
		case "--file":
			src, dst, _ := strings.Cut(v, ":")
			abs, _ := filepath.Abs(src)
			spec.Files = append(spec.Files, abs+":"+dst)
		case "--c-source":
			src, dst, _ := strings.Cut(v, ":")
			abs, _ := filepath.Abs(src)
			spec.CSources = append(spec.CSources, abs+":"+dst)
		case "--entrypoint":
			spec.Entrypoint = append(spec.Entrypoint, v)
		case "--cmd":
			spec.Cmd = append(spec.Cmd, v)
		case "--env":
			spec.Env = append(spec.Env, v)
		case "--workdir":
			spec.WorkingDir = v
		case "--out":
			out = v
		default:
			return fmt.Errorf("image build: unknown option %s", a)
		}
	}
	if spec.Name == "" {
		return fmt.Errorf("image build: --name is required")
	}
	archive, err := imageArchive(c, spec)
	if err != nil {
		return err
	}
	if out != "" {
		if _, err := run(120e9, "cp", archive, out); err != nil {
			return err
		}
		archive = out
	}
	if doImport {
		s, err := loadState(c)
		if err != nil {
			return err
		}
		for _, n := range c.Nodes {
			if !s.Procs["containerd-"+n.Letter].alive() {
				return fmt.Errorf("containerd of node %s is not running (lab/lab up first)", n.Name)
			}
			if err := importImage(n, spec.Name, archive); err != nil {
				return err
			}
			logf("imported %s into node %s", spec.Name, n.Name)
		}
	}
	fmt.Println(archive)
	return nil
}
