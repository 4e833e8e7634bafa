# bash completion for evt                                  -*- shell-script -*-
# Installed as /usr/share/bash-completion/completions/evt by `cmake --install`.
# For a source checkout: source scripts/completion/evt.bash

_evt_topics() {
  # Topic names from the configured cluster; quiet and bounded so a missing
  # broker never blocks the shell.
  timeout 2 evt -q topics -o json --timeout 1 2>/dev/null |
    sed -n 's/.*"topic": "\(.*\)".*/\1/p'
}

_evt() {
  local cur prev words cword
  _init_completion 2>/dev/null || {
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
  }

  local globals="-b --brokers -X --context -o --output --color -v --verbose -q --quiet --timeout --debug -h --help --version"
  local commands="sandbox topics config publish partition-of tail schema lag"

  # Find the subcommand path (first and second non-option words).
  local cmd="" sub="" i w
  for ((i = 1; i < cword; i++)); do
    w=${words[i]}
    case "$w" in
      -b|--brokers|-X|--context|-o|--output|--color|--timeout|--debug) ((i++)); continue ;;
      -*) continue ;;
    esac
    if [ -z "$cmd" ]; then cmd=$w; elif [ -z "$sub" ]; then sub=$w; fi
  done

  case "$prev" in
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    -b|--brokers|-X|--timeout|--debug|--context) return ;;
    -o|--output)
      case "$cmd" in
        tail) COMPREPLY=($(compgen -W "pretty jsonl raw template" -- "$cur")) ;;
        schema) COMPREPLY=($(compgen -W "text json github junit" -- "$cur")) ;;
        lag) COMPREPLY=($(compgen -W "text json prometheus" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
      esac
      return ;;
    -t|--topic)
      [ "$cmd" = sandbox ] && return
      COMPREPLY=($(compgen -W "$(_evt_topics)" -- "$cur")); return ;;
    -f|--file|--data-file|--schema|-s|--out|--schema-dir)
      [ "$cmd" = tail ] && [ "$prev" = -f ] && return
      [ "$cmd" = tail ] && [ "$prev" = -s ] && return
      COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --mode)
      COMPREPLY=($(compgen -W "backward forward full backward_transitive forward_transitive full_transitive none" -- "$cur")); return ;;
    --format)
      [ "$cmd" = schema ] && COMPREPLY=($(compgen -W "auto json avro" -- "$cur")); return ;;
    --policy) COMPREPLY=($(compgen -W "strict lenient" -- "$cur")); return ;;
    --envelope) COMPREPLY=($(compgen -W "cloudevents cloudevents-structured none" -- "$cur")); return ;;
    --input) COMPREPLY=($(compgen -W "auto record value raw" -- "$cur")); return ;;
    --keep) COMPREPLY=($(compgen -W "partition timestamp partition,timestamp" -- "$cur")); return ;;
    --binary) COMPREPLY=($(compgen -W "escape hex base64" -- "$cur")); return ;;
    --partitioner) COMPREPLY=($(compgen -W "murmur2_random murmur2 consistent_random consistent random fnv1a fnv1a_random" -- "$cur")); return ;;
    -z|--compression) COMPREPLY=($(compgen -W "none gzip snappy lz4 zstd" -- "$cur")); return ;;
    --fail-on) COMPREPLY=($(compgen -W "warn stall stop" -- "$cur")); return ;;
    --disable) COMPREPLY=($(compgen -W "event-name-past-tense schema-version envelope-fields explicit-additional-properties sensitive-field" -- "$cur")); return ;;
  esac

  local flags=""
  case "$cmd" in
    "") COMPREPLY=($(compgen -W "$commands $globals" -- "$cur")); return ;;
    sandbox)
      if [ "$sub" = ctl ]; then
        flags="--control status down up rtt fail clear topic leader"
      else
        flags="--port --brokers --topic ctl"
      fi ;;
    topics)
      case "$sub" in
        describe) COMPREPLY=($(compgen -W "$(_evt_topics)" -- "$cur")); return ;;
        create) flags="-p --partitions -r --replication-factor -c --config" ;;
        list) flags="--internal" ;;
        *) flags="list describe create --internal" ;;
      esac ;;
    config)
      case "$sub" in
        use-context) flags=$(evt config get-contexts -o json 2>/dev/null | sed -n 's/.*"name": "\(.*\)".*/\1/p') ;;
        "") flags="view get-contexts use-context" ;;
      esac ;;
    publish)
      flags="-t --topic -f --file --data --data-file --input -k --key --key-field -H --header -p --partition
             --partitioner --keep --envelope --type --source --subject --dataschema --content-type
             --correlation-id --traceparent --schema --schema-dir --skip-invalid --max-size --warn-size
             --allow-pii -z --compression --rate --delivery-timeout --dry-run --worker-thread" ;;
    partition-of) flags="-n --partitions -t --topic" ;;
    tail)
      [[ "$cur" != -* ]] && { COMPREPLY=($(compgen -W "$(_evt_topics)" -- "$cur")); return; }
      flags="-s --start --offset --end -p --partitions -n --count -e --exit -g --group -f --format --out
             --binary --type --type-field --key --header --where --grep" ;;
    schema)
      case "$sub" in
        check) flags="--mode --format --policy --against" ;;
        validate) flags="-s --schema" ;;
        lint) flags="--disable --allow-field" ;;
        *) flags="check validate lint" ;;
      esac ;;
    lag)
      flags="-g --group -t --topic --no-time-lag --watch --count --max-lag --max-lag-seconds --fail-on" ;;
  esac
  COMPREPLY=($(compgen -W "$flags $globals" -- "$cur"))
  [[ "$cur" != -* ]] && [ -z "${COMPREPLY[*]}" ] && COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _evt evt
