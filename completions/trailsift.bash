# bash completion for trailsift. Commands, options and option values are read from
# `trailsift --help` and `trailsift COMMAND --help` when completing, so they never drift from
# the binary; other words complete as paths.

# Prints the options of `trailsift [COMMAND] --help`, one per line, each as NAME or
# NAME<TAB>CHOICES (CHOICES: the values CLI11 lists as {a,b,c}, space-separated).
_trailsift_options() {
  "$@" --help 2>/dev/null | awk '
    /^ +-/ {
      choices = ""
      if (match($0, /:\{[^}]*\}/)) {
        choices = substr($0, RSTART + 2, RLENGTH - 3)
        gsub(/,/, " ", choices)
      }
      n = split($1, names, ",")
      for (i = 1; i <= n; i++) print names[i] (choices == "" ? "" : "\t" choices)
    }'
}

_trailsift_commands() {
  "$1" --help 2>/dev/null | awk '/^Subcommands:/ {on = 1; next} on && !NF {exit} on {print $1}'
}

_trailsift() {
  local program=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} command="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    if [[ ${COMP_WORDS[i]} != -* ]]; then
      command=${COMP_WORDS[i]}
      break
    fi
  done
  if [[ -z $command ]]; then
    if [[ $cur == -* ]]; then
      mapfile -t COMPREPLY < <(compgen -W "$(_trailsift_options "$program")" -- "$cur")
    else
      mapfile -t COMPREPLY < <(compgen -W "$(_trailsift_commands "$program") help" -- "$cur")
    fi
    return
  fi
  if [[ $command == help ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_trailsift_commands "$program")" -- "$cur")
    return
  fi
  local options
  options=$(_trailsift_options "$program" "$command")
  local previous=${COMP_WORDS[COMP_CWORD - 1]} choices
  choices=$(awk -F '\t' -v name="$previous" '$1 == name && NF > 1 {print $2}' <<< "$options")
  if [[ -n $choices ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$choices" -- "$cur")
  elif [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(cut -f1 <<< "$options")" -- "$cur")
  else
    compopt -o filenames 2>/dev/null || :  # fails only outside a completion
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  fi
}
complete -F _trailsift trailsift
