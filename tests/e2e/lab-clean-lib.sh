# What `lab/lab down` must leave behind: nothing (bash; sourced by
# lab-smoke.sh and lab-killed.sh). Read-only: it never signals or removes
# anything.
#
#   lab_clean_before STATE_DIR   right before lab/lab down: records what only
#                                the running lab can tell (the veths on its
#                                bridges; the shim sockets named by its
#                                containerd bundles and shim-sockets.txt; the
#                                netns and iptables chains in run/state.json)
#   lab_clean_leftovers STATE_DIR BIN_DIR
#                                after down: one line per leftover (nothing
#                                when clean): a process whose command line or
#                                executable is under STATE_DIR or BIN_DIR, a
#                                mount under STATE_DIR, a loop device backed by
#                                a file under it, a kdrlab* network device, a
#                                veth recorded on a lab bridge (gone with its
#                                pod's netns; the kernel frees those
#                                asynchronously, so waited for up to 15 s), a
#                                recorded shim socket, netns or iptables chain,
#                                a lab cgroup (/kdrill-lab-* in any hierarchy)

LAB_CLEAN_VETHS=""
LAB_CLEAN_SOCKETS=""
LAB_CLEAN_NETNS=""
LAB_CLEAN_IPTABLES=""

# lab_shim_sockets STATE_DIR: the shim sockets (/run/containerd/s/*) the lab's
# containerd bundles name now.
lab_shim_sockets() {
  cat "$1"/nodes/*/containerd/state/io.containerd.runtime.v2.task/*/*/address 2>/dev/null |
    sed -n 's|^unix://\(/run/containerd/s/.*\)|\1|p' | tr '\n' ' '
}

lab_clean_before() {
  local state="$1" st="$1/run/state.json" br
  LAB_CLEAN_VETHS=""
  for br in $(ip -o link show type bridge 2>/dev/null | awk -F': ' '{ print $2 }' | grep -E '^kdrlab'); do
    LAB_CLEAN_VETHS+=" $(ip -o link show master "$br" 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); printf "%s ", $2 }')"
  done
  LAB_CLEAN_SOCKETS="$(lab_shim_sockets "$state") $(cat "$state"/nodes/*/containerd/shim-sockets.txt 2>/dev/null | tr '\n' ' ')"
  LAB_CLEAN_NETNS="$(jq -r '.netns // [] | .[]' "$st" 2>/dev/null | tr '\n' ' ')"
  LAB_CLEAN_IPTABLES="$(jq -r '.iptables // [] | .[]' "$st" 2>/dev/null | tr '\n' ' ')"
}

lab_clean_leftovers() {
  local state="$1" bin="$2" p pid cmd exe h d v ns ch i left sock
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [ "$pid" = $$ ] && continue
    cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
    exe=$(readlink "$p/exe" 2>/dev/null) || exe=""
    case "$cmd $exe" in
      *"$state"* | *"$bin"*) echo "process $pid: $cmd" ;;
    esac
  done
  awk -v d="$state" '$5 == d || index($5, d "/") == 1 { print "mount " $5 }' /proc/self/mountinfo
  losetup -a 2>/dev/null | grep -F "$state" | sed 's/^/loop device /'
  ip -o link show 2>/dev/null | grep -E 'kdrlab|master kdrlab' | sed 's/^/network device /'
  # Pod netns (and their veths) are freed by the kernel after the last unmount.
  for i in $(seq 1 15); do
    left=""
    for v in $LAB_CLEAN_VETHS; do
      if ip link show dev "$v" >/dev/null 2>&1; then left+=" $v"; fi
    done
    [ -z "$left" ] && break
    sleep 1
  done
  for v in $left; do echo "veth $v (was on a lab bridge: its pod's netns is still alive)"; done
  for sock in $LAB_CLEAN_SOCKETS; do
    if [ -e "$sock" ]; then echo "shim socket $sock"; fi
  done
  for ns in $LAB_CLEAN_NETNS; do
    if [ -e "/run/netns/$ns" ]; then echo "netns $ns"; fi
  done
  for ch in $LAB_CLEAN_IPTABLES; do
    if iptables -t "${ch%%:*}" -S "${ch#*:}" >/dev/null 2>&1; then echo "iptables chain $ch"; fi
  done
  for h in $(awk '$5 ~ "^/sys/fs/cgroup/" { for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) ~ /^cgroup2?$/) print $5; break } }' /proc/self/mountinfo); do
    for d in "$h"/kdrill-lab-*; do
      if [ -d "$d" ]; then echo "cgroup $d"; fi
    done
  done
}
