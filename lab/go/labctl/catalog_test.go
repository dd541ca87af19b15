package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every catalogue image names files that exist in the checkout, excludes no
// package it asks for, and runs as a non-root user with an entrypoint.
func TestCatalogueImagesAreComplete(t *testing.T) {
	labDir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	versions, err := readEnvFile(filepath.Join(labDir, "versions.env"))
	if err != nil {
		t.Fatal(err)
	}
	c := &Config{LabDir: labDir, Versions: versions}
	names := catalogNames(c)
	for _, want := range []string{"postgres", "redis"} {
		if _, err := catalogImage(c, want); err != nil {
			t.Errorf("catalogue has no %s: %v (have %v)", want, err, names)
		}
	}
	for _, name := range names {
		spec, _ := catalogImage(c, name)
		for _, f := range spec.Files {
			src, _, _ := strings.Cut(f, ":")
			if st, err := os.Stat(src); err != nil || st.Mode()&0o111 == 0 {
				t.Errorf("%s: file %s is missing or not executable", name, src)
			}
		}
		excluded := map[string]bool{}
		for _, e := range spec.Exclude {
			excluded[e] = true
		}
		for _, d := range spec.Debs {
			n, _, _ := strings.Cut(d, "=")
			if excluded[n] {
				t.Errorf("%s: %s is both asked for and excluded", name, n)
			}
		}
		if spec.User == "" || strings.HasPrefix(spec.User, "0:") || len(spec.Entrypoint) == 0 {
			t.Errorf("%s: user %q, entrypoint %v: each server runs as its own non-root user", name, spec.User, spec.Entrypoint)
		}
	}
}
