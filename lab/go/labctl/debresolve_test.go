package main

import (
	"archive/tar"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Shaped like `apt-cache depends` on bookworm: an or-group, a virtual
// package with providers, a real package followed by another provider.
const aptDependsSample = `postgresql-15
 |Depends: locales
  Depends: locales-all
  Depends: postgresql-common
 |Depends: debconf
  Depends: <debconf-2.0>
    cdebconf
    debconf
  Depends: libc6
  Depends: libsystemd0
    libelogind0
  PreDepends: dpkg
  Recommends: sysstat
libc6
  Depends: libgcc-s1:amd64
`

func TestParseAptDependsReadsGroupsVirtualsAndPreDepends(t *testing.T) {
	deps := parseAptDepends(aptDependsSample)
	want := []depGroup{
		{{"locales"}, {"locales-all"}},
		{{"postgresql-common"}},
		{{"debconf"}, {"<debconf-2.0>", "cdebconf", "debconf"}},
		{{"libc6"}},
		{{"libsystemd0"}},
		{{"dpkg"}},
	}
	if !reflect.DeepEqual(deps["postgresql-15"], want) {
		t.Fatalf("postgresql-15 groups:\n got %v\nwant %v", deps["postgresql-15"], want)
	}
	if !reflect.DeepEqual(deps["libc6"], []depGroup{{{"libgcc-s1"}}}) {
		t.Fatalf("libc6 groups: %v (the :amd64 suffix must go)", deps["libc6"])
	}
}

func TestChooseAlternativeSkipsExcludedAndUsesProviders(t *testing.T) {
	g := depGroup{{"debconf"}, {"<debconf-2.0>", "cdebconf", "debconf"}}
	if c := chooseAlternative(g, map[string]bool{}); c != "debconf" {
		t.Fatalf("first alternative: %q", c)
	}
	if c := chooseAlternative(g, map[string]bool{"debconf": true}); c != "cdebconf" {
		t.Fatalf("virtual provider: %q", c)
	}
	if c := chooseAlternative(g, map[string]bool{"debconf": true, "cdebconf": true}); c != "" {
		t.Fatalf("all excluded must leave the dependency out, got %q", c)
	}
}

func TestClosureNeverEntersExcludedPackages(t *testing.T) {
	graph := map[string]string{
		"app":     "app\n  Depends: libx\n |Depends: big\n  Depends: small\n  Depends: tooling\n",
		"libx":    "libx\n  Depends: libc6\n",
		"small":   "small\n  Depends: libc6\n",
		"libc6":   "libc6\n",
		"big":     "big\n  Depends: huge-dep\n",
		"tooling": "tooling\n  Depends: perl\n",
	}
	var calls [][]string
	dependsOf := func(names []string) (string, error) {
		calls = append(calls, names)
		var b strings.Builder
		for _, n := range names {
			b.WriteString(graph[n])
		}
		return b.String(), nil
	}
	got, err := debClosureExcluding([]string{"app=1.0"}, []string{"big", "tooling"}, dependsOf)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"app=1.0", "libc6", "libx", "small"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("closure %v, want %v (perl and huge-dep only come through excluded packages)", got, want)
	}
	if len(calls) != 3 {
		t.Fatalf("one apt-cache call per level, got %v", calls)
	}
	if _, err := debClosureExcluding([]string{"big"}, []string{"big"}, dependsOf); err == nil {
		t.Fatal("asking for an excluded package must be an error")
	}
}

func TestParsePrintURIsPinsVersionAndChecksum(t *testing.T) {
	out := "'http://deb.debian.org/debian/pool/main/b/busybox/busybox-static_1.35.0-4%2bdeb12u1%2bb1_amd64.deb' busybox-static_1%3a1.35.0-4+deb12u1+b1_amd64.deb 928188 SHA256:3D3F\n" +
		"'http://deb.debian.org/debian-security/pool/updates/main/p/postgresql-15/postgresql-15_15.20-0%2bdeb12u1_amd64.deb' postgresql-15_15.20-0+deb12u1_amd64.deb 17091392 SHA256:8566\n"
	pins, err := parsePrintURIs(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(pins) != 2 || pins[0].Name != "busybox-static" || pins[0].Version != "1:1.35.0-4+deb12u1+b1" ||
		pins[0].File != "busybox-static_1%3a1.35.0-4+deb12u1+b1_amd64.deb" || pins[0].Size != 928188 || pins[0].SHA256 != "3d3f" {
		t.Fatalf("pins: %+v", pins)
	}
	if pins[1].String() != "postgresql-15=15.20-0+deb12u1 sha256:8566" {
		t.Fatalf("pin line: %s", pins[1].String())
	}
	if _, err := parsePrintURIs("'http://x/y.deb' y.deb 12 MD5Sum:abc\n"); err == nil {
		t.Fatal("a line without SHA256 must be an error")
	}
}

func TestVerifyPinnedRejectsAChecksumOrSizeMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p_1_all.deb")
	os.WriteFile(path, []byte("package"), 0o644)
	good := debPin{Name: "p", Version: "1", Size: 7}
	sum, _, _ := sha256File(path)
	good.SHA256 = sum
	if err := verifyPinned(path, good); err != nil {
		t.Fatalf("matching file rejected: %v", err)
	}
	bad := good
	bad.SHA256 = strings.Repeat("0", 64)
	if err := verifyPinned(path, bad); err == nil || !strings.Contains(err.Error(), "package p 1") {
		t.Fatalf("checksum mismatch not named: %v", err)
	}
	short := good
	short.Size = 8
	if err := verifyPinned(path, short); err == nil {
		t.Fatal("size mismatch accepted")
	}
	if err := verifyPinned(path+".missing", good); err == nil {
		t.Fatal("missing file accepted")
	}
}

func TestUsersAndOwnedDirsReachTheImage(t *testing.T) {
	root := filepath.Join(t.TempDir(), "rootfs")
	os.MkdirAll(root, 0o755)
	if err := baseFiles(root, []string{"postgres:999:999:/var/lib/postgresql"}); err != nil {
		t.Fatal(err)
	}
	passwd, _ := os.ReadFile(filepath.Join(root, "etc", "passwd"))
	if !strings.Contains(string(passwd), "postgres:x:999:999:postgres:/var/lib/postgresql:/bin/sh\n") ||
		!strings.HasPrefix(string(passwd), "root:x:0:0:") {
		t.Fatalf("passwd:\n%s", passwd)
	}
	if err := baseFiles(root, []string{"bad"}); err == nil {
		t.Fatal("a malformed user must be an error")
	}
	dirs := []string{"/var/run/postgresql:999:999:0775"}
	if err := makeOwnedDirs(root, dirs); err != nil {
		t.Fatal(err)
	}
	if _, err := parseOwnedDirs([]string{"relative:1:1:0755"}); err == nil {
		t.Fatal("a relative dir must be an error")
	}
	owned, _ := parseOwnedDirs(dirs)
	layer, err := layerTar(root, owned)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(strings.NewReader(string(layer)))
	found := false
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if h.Name == "var/run/postgresql/" {
			found = true
			if h.Uid != 999 || h.Gid != 999 || h.Mode&0o777 != 0o775 {
				t.Fatalf("owned dir header: uid %d gid %d mode %o", h.Uid, h.Gid, h.Mode)
			}
		} else if h.Uid != 0 {
			t.Fatalf("%s is owned by %d, want root", h.Name, h.Uid)
		}
	}
	if !found {
		t.Fatal("owned dir missing from the layer")
	}
}

func TestCatalogueImageIsPinnedAndNonRoot(t *testing.T) {
	c := testConfig(t)
	spec, err := catalogImage(c, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	if !spec.Closure || spec.User != "999:999" || spec.Name != "localhost/postgres:lab" {
		t.Fatalf("postgres spec: %+v", spec)
	}
	for _, f := range spec.Files {
		src, _, _ := strings.Cut(f, ":")
		if _, err := os.Stat(src); err != nil {
			t.Fatalf("catalogue file missing: %v", err)
		}
	}
	if _, err := catalogImage(c, "nosuch"); err == nil || !strings.Contains(err.Error(), "postgres") {
		t.Fatalf("unknown name must list the catalogue: %v", err)
	}
	if _, err := imageKey(spec); err != nil {
		t.Fatal(err)
	}
	other := spec
	other.Resolved = []string{"postgresql-15=15.21-0+deb12u1 sha256:00"}
	k1, _ := imageKey(spec)
	k2, _ := imageKey(other)
	if k1 == k2 {
		t.Fatal("a new resolved version must change the cache key")
	}
}

func TestCatalogueImageRefusesRecipeFlags(t *testing.T) {
	c := testConfig(t)
	for _, flag := range []string{"--with-deps", "--busybox-links", "--from-deb=x", "--name=y"} {
		err := cmdImage(c, []string{"build", "postgres", flag})
		if err == nil || !strings.Contains(err.Error(), "does not apply to a catalogue image") {
			t.Fatalf("%s: %v", flag, err)
		}
	}
	if err := cmdImage(c, []string{"build", "nosuch"}); err == nil || !strings.Contains(err.Error(), "no image") {
		t.Fatalf("unknown catalogue name: %v", err)
	}
}
