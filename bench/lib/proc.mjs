// CPU time of a process from /proc/<pid>/stat (utime + stime, all threads), in ms.
import { readFileSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on Linux

export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command name: state is field 3 of the man page, utime 14 and stime 15.
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}
