package main

import (
	"fmt"
	"path/filepath"
	"sort"
)

// catalogImages are the images built on first use by name
// (`lab/lab image build postgres`), from Debian packages resolved and
// verified against the package index (ImageSpec.Closure) and files under
// lab/images/<name>/. Each server runs as its own non-root user.
func catalogImages(c *Config) map[string]ImageSpec {
	major := c.Versions["POSTGRES_MAJOR"]
	pgBin := "/usr/lib/postgresql/" + major + "/bin"
	dir := filepath.Join(c.LabDir, "images")
	return map[string]ImageSpec{
		"postgres": {
			Name: "localhost/postgres:lab",
			Debs: []string{"postgresql-" + major, "postgresql-client-" + major,
				"busybox-static=" + c.Versions["BUSYBOX_STATIC_DEB"]},
			Closure: true,
			// Left out of the Depends closure, each for a reason: the Debian
			// wrappers and cluster tooling (perl; the image runs the versioned
			// binaries directly), debconf and ssl-cert (maintainer scripts are
			// not run), locales (C.UTF-8 is built into glibc), LLVM (JIT only,
			// jit=off), the elogind alternative to libsystemd0, dpkg and tar
			// (packaging tools some library pre-depends on).
			Exclude: []string{"postgresql-common", "postgresql-client-common", "ssl-cert", "debconf",
				"cdebconf", "locales", "locales-all", "libllvm" + llvmFor(major), "libelogind0", "sensible-utils",
				"perl", "perl-base", "adduser", "passwd", "init-system-helpers", "lsb-base", "ucf",
				"dpkg", "tar"},
			Prune:        []string{"/usr/share/doc", "/usr/share/man", "/usr/share/info", "/usr/share/locale", "/usr/share/lintian"},
			BusyboxLinks: true,
			Users:        []string{"postgres:999:999:/var/lib/postgresql"},
			Dirs:         []string{"/var/lib/postgresql:999:999:0755", "/var/run/postgresql:999:999:0775"},
			User:         "999:999",
			Files: []string{
				filepath.Join(dir, "postgres", "entrypoint.sh") + ":/usr/local/bin/postgres-lab-entrypoint",
				filepath.Join(dir, "postgres", "replicas-caught-up.sh") + ":/usr/local/bin/pg-replicas-caught-up",
			},
			Env: []string{
				"PATH=" + pgBin + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
				"PGDATA=/var/lib/postgresql/data/pgdata",
				"PGHOST=/var/run/postgresql",
				"PGUSER=postgres",
				"LANG=C.UTF-8",
			},
			Entrypoint: []string{"/usr/local/bin/postgres-lab-entrypoint"},
		},
		"redis": {
			Name:    "localhost/redis:lab",
			Debs:    []string{"redis-server", "redis-tools", "busybox-static=" + c.Versions["BUSYBOX_STATIC_DEB"]},
			Closure: true,
			// Left out: the init-script tooling redis-server's package
			// wants (no init system in a container; maintainer scripts are
			// not run), adduser (the builder writes /etc/passwd) and the
			// elogind alternative to libsystemd0.
			Exclude:      []string{"init-system-helpers", "lsb-base", "sysvinit-utils", "adduser", "passwd", "libelogind0"},
			Prune:        []string{"/usr/share/doc", "/usr/share/man", "/usr/share/info", "/usr/share/locale", "/usr/share/lintian"},
			BusyboxLinks: true,
			Users:        []string{"redis:999:999:/data"},
			Dirs:         []string{"/data:999:999:0755"},
			User:         "999:999",
			Files: []string{
				filepath.Join(dir, "redis", "entrypoint.sh") + ":/usr/local/bin/redis-lab-entrypoint",
				filepath.Join(dir, "redis", "replicas-caught-up.sh") + ":/usr/local/bin/redis-replicas-caught-up",
			},
			Env:        []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"},
			WorkingDir: "/data",
			Entrypoint: []string{"/usr/local/bin/redis-lab-entrypoint"},
		},
	}
}

// llvmFor is the LLVM major Debian bookworm builds PostgreSQL's JIT with.
func llvmFor(pgMajor string) string {
	return map[string]string{"15": "14"}[pgMajor]
}

func catalogNames(c *Config) []string {
	var names []string
	for n := range catalogImages(c) {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func catalogImage(c *Config, name string) (ImageSpec, error) {
	spec, ok := catalogImages(c)[name]
	if !ok {
		return ImageSpec{}, fmt.Errorf("no image %q in the catalogue (have: %v); build your own with --name and --from-deb", name, catalogNames(c))
	}
	if c.Versions["POSTGRES_MAJOR"] == "" {
		return ImageSpec{}, fmt.Errorf("lab/versions.env has no POSTGRES_MAJOR")
	}
	return spec, nil
}
