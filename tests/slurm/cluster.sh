#!/bin/sh
# tests/slurm/cluster.sh: a single-node Slurm cluster on this host, for the
# tests, made from Debian 12's slurm-wlm and munge packages and living
# entirely in one directory.
#
#   tests/slurm/cluster.sh start DIR    start it; prints nothing on success
#   tests/slurm/cluster.sh stop DIR     cancel its jobs, stop its daemons
#
# start writes DIR/slurm.conf (the node is this host's short name, with
# CPUs=$(nproc) and RealMemory from free -m; one partition "eds"; no
# accounting; proctrack/linuxproc, task/none; state, spool, pid and log
# files in DIR), makes a munge key DIR/munge.key, starts munged on its own
# socket DIR/munge.socket (Slurm reaches it through AuthInfo), slurmctld and
# slurmd on two free TCP ports, and waits until sinfo shows the node idle.
# DIR/env then holds "SLURM_CONF=DIR/slurm.conf; export SLURM_CONF", to be
# sourced before sbatch, squeue or sinfo.  The system's own munge and Slurm
# configuration, if any, are neither used nor touched.
#
# EDS_SLURM_SCHEDULER_PARAMETERS, when set, becomes the cluster's
# SchedulerParameters (e.g. batch_sched_delay=0, for a shorter wait from
# sbatch to a job's start than the default 3 s).
#
# Slurm's daemons run as root (SlurmUser=root): start needs root.  When
# the packages are missing and this is root with apt-get, it installs them
# (slurmctld slurmd slurm-client munge, without recommends; about 15 s)
# unless EDS_SLURM_INSTALL=no.
#
# Exit status: 0 started (or stopped); 77 the cluster cannot run here, with
# the reason on stderr (not root, no apt-get, packages not installable, a
# daemon that did not start, with the tail of its log); 64 usage.
set -eu

usage() {
	echo "usage: tests/slurm/cluster.sh start|stop DIR" >&2
	exit 64
}

[ $# -eq 2 ] || usage
action=$1
mkdir -p "$2"
D=$(cd "$2" && pwd)

# cannot REASON: the cluster cannot run here; say why, exit 77.
cannot() {
	printf '%s\n' "$*" >&2
	exit 77
}

# tail_of FILE: the last lines of a daemon's log, indented, for a reason.
tail_of() {
	if [ -s "$1" ]; then
		printf '\n  --- last lines of %s:\n' "$1"
		tail -n 12 "$1" | sed 's/^/  /'
	else
		printf '\n  (%s is empty or missing)' "$1"
	fi
}

# pid_of FILE: the pid recorded in FILE if that process is alive.
pid_of() {
	[ -s "$1" ] || return 1
	p=$(head -1 "$1" | tr -dc 0-9)
	[ -n "$p" ] && kill -0 "$p" 2>/dev/null && printf '%s\n' "$p"
}

# stop_pids FILE...: end the daemons whose pids the FILEs hold, together
# (each takes about 2 s to go), waiting up to 10 s before SIGKILL.
stop_pids() {
	pids=
	for f in "$@"; do
		if p=$(pid_of "$f"); then
			kill "$p" 2>/dev/null && pids="$pids $p"
		fi
	done
	n=0
	for p in $pids; do
		while kill -0 "$p" 2>/dev/null && [ $n -lt 100 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		kill -9 "$p" 2>/dev/null || true
	done
	rm -f "$@"
}

stop() {
	if [ -f "$D/slurm.conf" ] && [ -n "$(pid_of "$D/slurmctld.pid")" ]; then
		SLURM_CONF=$D/slurm.conf
		export SLURM_CONF
		scancel --user="$(id -un)" 2>/dev/null || true
		# Give the job steps a moment to end before slurmd goes.
		n=0
		while [ -n "$(squeue -h -o %i 2>/dev/null)" ] && [ $n -lt 50 ]; do
			sleep 0.1
			n=$((n + 1))
		done
	fi
	stop_pids "$D/slurmd.pid" "$D/slurmctld.pid" "$D/munged.pid"
}

# listening: the local TCP ports in LISTEN state, in hex, one a line.
listening() {
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
	    awk '$4 == "0A" { split($2, a, ":"); print a[2] }'
}

# free_port FROM: the first port from FROM up that nobody listens on.
free_port() {
	p=$1
	used=$(listening)
	while printf '%s\n' "$used" | grep -qix "$(printf '%04X' "$p")"; do
		p=$((p + 1))
	done
	printf '%s\n' "$p"
}

install_packages() {
	[ "${EDS_SLURM_INSTALL:-yes}" != no ] ||
	    cannot "slurm-wlm/munge not installed and EDS_SLURM_INSTALL=no (apt-get install slurmctld slurmd slurm-client munge)"
	[ "$(id -u)" = 0 ] ||
	    cannot "slurm-wlm/munge not installed and not root to install them (apt-get install slurmctld slurmd slurm-client munge)"
	command -v apt-get >/dev/null 2>&1 ||
	    cannot "slurm-wlm/munge not installed and no apt-get to install them"
	export DEBIAN_FRONTEND=noninteractive
	pk="slurmctld slurmd slurm-client munge"
	opts="-y -qq --no-install-recommends -o DPkg::Lock::Timeout=120"
	# shellcheck disable=SC2086
	if ! apt-get install $opts $pk >"$D/apt.log" 2>&1; then
		apt-get update -qq >>"$D/apt.log" 2>&1 || true
		# shellcheck disable=SC2086
		apt-get install $opts $pk >>"$D/apt.log" 2>&1 ||
		    cannot "cannot install $pk with apt-get:$(tail_of "$D/apt.log")"
	fi
}

start() {
	[ "$(id -u)" = 0 ] ||
	    cannot "Slurm's daemons need root (SlurmUser=root) and this is uid $(id -u)"
	PATH=$PATH:/usr/sbin:/sbin
	for prog in munged mungekey slurmctld slurmd sbatch sinfo; do
		command -v $prog >/dev/null 2>&1 || { install_packages; break; }
	done
	for prog in munged mungekey slurmctld slurmd sbatch sinfo squeue scancel; do
		command -v $prog >/dev/null 2>&1 ||
		    cannot "$prog not found after installing slurm-wlm and munge"
	done

	# A previous cluster in the same directory goes first.
	stop
	rm -rf "$D/state" "$D/spool" "$D"/*.log "$D/munge.socket"*
	mkdir -p "$D/state" "$D/spool"
	chmod 0711 "$D"

	# munged: its own key, socket, pid, log and seed, all in DIR.
	rm -f "$D/munge.key"
	mungekey --create --keyfile="$D/munge.key" >"$D/mungekey.log" 2>&1 ||
	    cannot "mungekey cannot create a key:$(tail_of "$D/mungekey.log")"
	chmod 0400 "$D/munge.key"
	munged --force --socket="$D/munge.socket" --key-file="$D/munge.key" \
	    --pid-file="$D/munged.pid" --log-file="$D/munged.log" \
	    --seed-file="$D/munged.seed" >"$D/munged.out" 2>&1 ||
	    cannot "munged did not start:$(tail_of "$D/munged.log")$(tail_of "$D/munged.out")"

	host=$(hostname -s)
	cpus=$(nproc)
	mem=$(free -m 2>/dev/null | awk '/^Mem:/ { print $2 }')
	[ -n "$mem" ] ||
	    mem=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
	ctld_port=$(free_port 16817)
	slurmd_port=$(free_port $((ctld_port + 1)))
	cat >"$D/slurm.conf" <<EOF
# A single-node cluster for the tests, written by tests/slurm/cluster.sh.
ClusterName=edstest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge.socket
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
${EDS_SLURM_SCHEDULER_PARAMETERS:+SchedulerParameters=$EDS_SLURM_SCHEDULER_PARAMETERS}
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=eds Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
	printf 'SLURM_CONF=%s; export SLURM_CONF\n' "$D/slurm.conf" >"$D/env"
	SLURM_CONF=$D/slurm.conf
	export SLURM_CONF

	slurmctld -f "$D/slurm.conf" -c >"$D/slurmctld.out" 2>&1 ||
	    cannot "slurmctld did not start:$(tail_of "$D/slurmctld.log")$(tail_of "$D/slurmctld.out")"
	slurmd -f "$D/slurm.conf" -N "$host" >"$D/slurmd.out" 2>&1 ||
	    cannot "slurmd did not start:$(tail_of "$D/slurmd.log")$(tail_of "$D/slurmd.out")"

	# Wait (up to 60 s) for the node to be idle.
	n=0
	while :; do
		st=$(sinfo -h -n "$host" -o %t 2>/dev/null || true)
		case $st in
		idle) break ;;
		esac
		for d in slurmctld slurmd munged; do
			pid_of "$D/$d.pid" >/dev/null ||
			    cannot "$d stopped while the cluster was starting:$(tail_of "$D/$d.log")"
		done
		[ $n -lt 600 ] ||
		    cannot "node $host not idle after 60 s (sinfo says '$st'):$(tail_of "$D/slurmctld.log")$(tail_of "$D/slurmd.log")"
		sleep 0.1
		n=$((n + 1))
	done
}

case $action in
start)
	# A failed start leaves nothing running.
	trap 'st=$?; [ $st = 0 ] || stop; exit $st' EXIT
	start
	trap - EXIT
	;;
stop) stop ;;
*) usage ;;
esac
