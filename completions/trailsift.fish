# fish completion for trailsift. Commands and options are read from `trailsift --help` and
# `trailsift COMMAND --help` when completing, so they never drift from the binary; other words
# complete as paths.

function __trailsift_commands
    trailsift --help 2>/dev/null | awk '
      /^Subcommands:/ {on = 1; next} on && !NF {exit}
      on {name = $1; sub(/^ *[^ ]+ +/, ""); print name "\t" $0}'
end

# Prints the options of the command being completed; or, when the option before the cursor
# lists its values as {a,b,c} in --help, those values, and fails when there are none.
function __trailsift_options -a want
    set -l words (commandline -opc)
    trailsift $words[2] --help 2>/dev/null | awk -v previous="$words[-1]" -v want="$want" '
      /^ +-/ {
        choices = ""
        if (match($0, /:\{[^}]*\}/)) choices = substr($0, RSTART + 2, RLENGTH - 3)
        n = split($1, names, ",")
        for (i = 1; i <= n; i++) {
          if (names[i] == previous && choices != "") values = choices
          options = options names[i] "\n"
        }
      }
      END {
        if (want == "values") { gsub(/,/, "\n", values); printf "%s", values; exit values == "" }
        printf "%s", options
      }'
end

complete -c trailsift -f -n __fish_use_subcommand -a '(__trailsift_commands)'
complete -c trailsift -f -n __fish_use_subcommand -a help -d 'Print the help of trailsift or of a command'
complete -c trailsift -f -n '__fish_seen_subcommand_from help' -a '(__trailsift_commands)'
complete -c trailsift -f -n '__trailsift_options values >/dev/null' -a '(__trailsift_options values)'
complete -c trailsift -n 'not __fish_use_subcommand; and not __fish_seen_subcommand_from help; and not __trailsift_options values >/dev/null' -a '(__trailsift_options)'
