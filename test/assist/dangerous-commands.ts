/**
 * Commands safe execute must refuse, each with a piece of the reason it must give (issue 16's Must show: ≥ 40
 * dangerous or tricky commands — deletion, privilege, network writes, shells hidden in arguments, quoting,
 * globbing, long inputs, look-alikes, `--`, paths, environment tricks). `CANARY` is replaced by a file path that
 * must never come to exist. Shared by the direct test and the HTTP test.
 */
export const DANGEROUS: readonly (readonly [command: string, reason: string])[] = [
  // Deletion and destruction
  ["rm -rf /", '"rm" is not on the allowlist'],
  ["rm -rf --no-preserve-root /", '"rm" is not on the allowlist'],
  ["dd if=/dev/zero of=/dev/sda", '"dd" is not on the allowlist'],
  ["mkfs.ext4 /dev/sda1", '"mkfs.ext4" is not on the allowlist'],
  ["touch CANARY", '"touch" is not on the allowlist'],
  ["chmod 777 /etc/passwd", '"chmod" is not on the allowlist'],
  ["shutdown -h now", '"shutdown" is not on the allowlist'],
  ["kill -9 1", '"kill" is not on the allowlist'],
  ["systemctl stop NetworkManager", '"systemctl" is not on the allowlist'],
  // Privilege
  ["sudo ip link set eth0 down", '"sudo" is not on the allowlist'],
  ["su -c 'rm -rf /'", '"su" is not on the allowlist'],
  ["doas reboot", '"doas" is not on the allowlist'],
  // Network writes and shells
  ["curl -o CANARY http://example.com/x", '"curl" is not on the allowlist'],
  ["wget -O CANARY http://example.com/x", '"wget" is not on the allowlist'],
  ["nc -l 4444", '"nc" is not on the allowlist'],
  ["bash -c 'touch CANARY'", '"bash" is not on the allowlist'],
  ["env touch CANARY", '"env" is not on the allowlist'],
  ["python3 -c 'import os'", '"python3" is not on the allowlist'],
  // Shells hidden in arguments, chaining, redirection
  ["ping -c 1 $(touch CANARY)", '"$" at character 11'],
  ["ping -c 1 `touch CANARY`", '"`" at character 11'],
  ['ping -c 1 "$(touch CANARY)"', '"$" at character'],
  ["ping -c 1 localhost; touch CANARY", '";" at character 20'],
  ["ping -c 1 localhost && touch CANARY", '"&" at character'],
  ["ping -c 1 localhost || touch CANARY", '"|" at character'],
  ["ip addr | sh", '"|" at character 9'],
  ["cat /etc/resolv.conf > CANARY", '">" at character'],
  ["cat < /etc/shadow", '"<" at character 5'],
  ["uname -a\ntouch CANARY", "a line break"],
  ["uname -a\r", "a line break"],
  ["uname\u0000 -a", "a control character"],
  ["ip addr show dev 'eth0;touch CANARY'", '";" at character'],
  ["(touch CANARY)", '"(" at character 1'],
  ["uname -a & touch CANARY", '"&" at character 10'],
  ["uname -a #comment", '"#" at character'],
  ["!!", '"!" at character 1'],
  // Globbing and expansion
  ["cat /etc/*", '"*" at character'],
  ["cat /etc/passw?", '"?" at character'],
  ["cat /etc/[ps]hadow", '"[" at character'],
  ["cat /etc/{passwd,shadow}", '"{" at character'],
  ["cat ~/.ssh/id_rsa", '"~" at character'],
  // Quoting tricks
  ["ping -c 1 'localhost", "never closed"],
  ["ping -c 1 'localhost -f'", "is not a host name"],
  ["uname 'a\\b'", '"\\" at character'],
  ['uname ""', "empty string"],
  ["   ", "the command is empty"],
  // Long inputs
  [`ping -c 1 ${"a".repeat(400)}`, "at most 256 are accepted"],
  [`uname${" -a".repeat(20)}`, "at most 16 are accepted"],
  // Unicode look-alikes
  ["ｒｍ -rf /", "non-ASCII character U+FF52"],
  ["uname –a", "non-ASCII character U+2013"],
  ["ping -c 1 loсalhost", "non-ASCII character U+0441"],
  ["cat /etc/resolv.conf\u200b", "non-ASCII character U+200B"],
  // `--` and option tricks
  ["ping -c 1 -- -f", '"--" is not accepted'],
  ["cat -- /etc/shadow", '"--" is not accepted'],
  ["ping -f -c 1 localhost", '"-f" is not an option ping may take'],
  ["ping -c1 localhost", '"-c1" is not an option ping may take'],
  ["ping localhost", "ping needs -c"],
  ["ping -c 100000 localhost", "from 1 to 10"],
  ["dig -f /etc/shadow", '"-f" is not an option dig may take'],
  ["nslookup -query=any example.com", '"-query=any" is not an option'],
  // Allowed commands in their changing forms
  ["ip route add default via 10.0.0.1", "ip route may be followed by show and dev IFNAME only"],
  ["ip link set eth0 down", "ip link may be followed by show and dev IFNAME only"],
  ["ip netns exec x sh", "ip may show addr, route, link or neigh only"],
  ["ip -batch CANARY", '"-batch" is not an option ip may take'],
  ["date -s 2020-01-01", '"-s" is not an option date may take'],
  ["hostname evil", "hostname takes no arguments"],
  ["ss -K dst 1.2.3.4", '"-K" is not an option ss may take'],
  ["nmcli dev wifi connect Evil password x", "nmcli may only list"],
  ["nmcli con up Evil", "nmcli may only list"],
  ["resolvectl dns eth0 6.6.6.6", "resolvectl may run status"],
  // Files that are not for showing
  ["cat /etc/shadow", "cat may show only"],
  ["cat /etc/../etc/shadow", "cat may show only"],
  ["cat /proc/self/environ", "cat may show only"],
  ["cat /etc/resolv.conf /root/.ssh/id_rsa", "cat may show only"],
  // Paths to other binaries, environment tricks
  ["/bin/rm -rf /", '"/bin/rm" is a path'],
  ["./ping -c 1 localhost", '"./ping" is a path'],
  ["/usr/bin/uname -a", '"/usr/bin/uname" is a path'],
  ["PATH=/tmp ping -c 1 localhost", "sets an environment variable"],
  ["LD_PRELOAD=/tmp/x.so uname", "sets an environment variable"],
  ["IFS=x uname", "sets an environment variable"],
  // Names that are properties of every object, not allowlist entries
  ["__proto__ -a", '"__proto__" is not on the allowlist'],
  ["constructor", '"constructor" is not on the allowlist'],
];

/** Harmless commands from coreutils and procps (present on any Linux these tests run on), and what they print. */
export const HARMLESS: readonly (readonly [command: string, output: RegExp])[] = [
  ["uname -a", /Linux/],
  ["uname -s", /^Linux\n$/],
  ["uname -sr", /^Linux \S+\n$/],
  ["df -h", /Filesystem/],
  ["free -h", /Mem:/],
  ["uptime", /load average/],
  ["cat /proc/loadavg", /^\d+\.\d+ \d+\.\d+/],
  ["cat '/proc/version'", /Linux version/],
  ["date -u", /UTC/],
];
