# Sourced by the test scripts: free_port [from] prints a loopback port nothing listens on, from <from> up to 32767.
# Below Linux's ephemeral range (32768 to 60999 by default), so the local port of some outgoing connection can never
# hold it when the service binds it (a fixed port inside that range once failed CI with "address already in use").
# bash's /dev/tcp probes it: no extra tool.
free_port() {
  local p
  for p in $(seq "${1:-31000}" 32767); do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  return 1
}
