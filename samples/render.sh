# Sourced by make_samples.sh and benches/batch.sh: renders a two-voice call script with espeak-ng and sox.
# Expects $tmp to be a scratch folder. A script has lines "A: ..." (agent) and "C: ..." (customer); each
# line is spoken on its speaker's channel while the other channel is silent for as long.
# render SCRIPT RATE AGENT_SIDE -> "$tmp/left.wav" "$tmp/right.wav"
render() {
  local script=$1 rate=$2 agent_side=$3 i=0
  local left=() right=()
  while IFS= read -r line; do
    [[ -z $line ]] && continue
    local who=${line%%:*} text=${line#*: }
    local voice=en-us speed=195
    if [[ $who == C ]]; then voice=en-gb+f3; speed=185; fi
    espeak-ng -v "$voice" -s "$speed" -w "$tmp/raw$i.wav" "$text"
    sox "$tmp/raw$i.wav" -r "$rate" -c 1 -b 16 "$tmp/say$i.wav" pad 0 0.25
    sox "$tmp/say$i.wav" "$tmp/quiet$i.wav" vol 0
    local side=$agent_side
    if [[ $who == C ]]; then [[ $agent_side == left ]] && side=right || side=left; fi
    if [[ $side == left ]]; then left+=("$tmp/say$i.wav"); right+=("$tmp/quiet$i.wav")
    else left+=("$tmp/quiet$i.wav"); right+=("$tmp/say$i.wav"); fi
    i=$((i + 1))
  done < "$script"
  sox "${left[@]}" "$tmp/left.wav"
  sox "${right[@]}" "$tmp/right.wav"
}
