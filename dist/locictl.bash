# bash completion for locictl(8)
_locictl()
{
	local cur prev words cword
	_init_completion 2>/dev/null || {
		cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}
		words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
	}
	local i cmd="" sub=""
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-s|--socket) ((i++)) ;;
		-*) ;;
		*) if [[ -z $cmd ]]; then cmd=${words[i]}
		   elif [[ -z $sub ]]; then sub=${words[i]}; fi ;;
		esac
	done
	case $prev in
	-s|--socket)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	-r)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "-s --socket --json --openmetrics -h --help -V --version" -- "$cur"))
		return
	fi
	case $cmd in
	"")
		COMPREPLY=($(compgen -W "show clear reload lig decode monitor" -- "$cur")) ;;
	show)
		[[ -z $sub ]] && COMPREPLY=($(compgen -W "site stats metrics map-cache database nat running-config version" -- "$cur"))
		[[ $sub == site ]] && COMPREPLY=($(compgen -W "--detail" -- "$cur")) ;;
	clear)
		[[ -z $sub ]] && COMPREPLY=($(compgen -W "map-cache site stats" -- "$cur")) ;;
	decode)
		COMPREPLY=($(compgen -W "--json --key -r" -- "$cur")) ;;
	esac
}
complete -F _locictl locictl
