package main

import (
	"os"
	"sort"
	"strings"
	"syscall"
)

// mountsUnder lists mount points at or below dir, deepest first (from
// /proc/self/mountinfo; octal escapes decoded).
func mountsUnder(dir string) []string {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		mp := unescapeMount(f[4])
		if mp == dir || strings.HasPrefix(mp, dir+"/") {
			out = append(out, mp)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return strings.Count(out[i], "/") > strings.Count(out[j], "/")
	})
	return out
}

func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			v := (int(s[i+1]-'0') << 6) | (int(s[i+2]-'0') << 3) | int(s[i+3]-'0')
			b.WriteByte(byte(v))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unmountAll unmounts every mount under dir, deepest first, repeating while
// mounts remain (stacked mounts), with a lazy detach as the last resort.
func unmountAll(dir string) (int, []string) {
	count := 0
	for round := 0; round < 5; round++ {
		mps := mountsUnder(dir)
		if len(mps) == 0 {
			return count, nil
		}
		for _, mp := range mps {
			if err := syscall.Unmount(mp, 0); err == nil {
				count++
			} else if round >= 2 {
				if syscall.Unmount(mp, syscall.MNT_DETACH) == nil {
					count++
				}
			}
		}
	}
	return count, mountsUnder(dir)
}
