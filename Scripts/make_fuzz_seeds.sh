#!/usr/bin/env bash
# Writes the seed corpora of the fuzz targets (FuzzTesting/Seeds/<Target>/): small valid inputs
# of every kind each reader takes, so libFuzzer starts from real files and mutates them.
# Needs a built `recurrent` (debug is fine): Scripts/make_fuzz_seeds.sh [path/to/recurrent]
set -euo pipefail
cd "$(dirname "$0")/.."
recurrent=$(realpath "${1:-.build/debug/recurrent}")
seeds=FuzzTesting/Seeds
rm -rf "$seeds"; mkdir -p "$seeds"/{FuzzSafeTensors,FuzzTextCheckpoint,FuzzForecastCheckpoint,FuzzClassifierCheckpoint,FuzzCorpus,FuzzSeriesCSV,FuzzPrime}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# Text checkpoints: tiny models of each tokenizer level and cell (a few KB each).
head -c 3000 Data/tinyshakespeare.txt > "$work/text.txt"
tiny=(--embedding-size 4 --hidden-size 4 --layers 1 --seq-length 8 --batch-size 2 --steps 1 --log-every 1000)
for spec in "char lstm" "word gru" "byte rnn" "char lstm --peepholes --layers 2"; do
    set -- $spec
    name="$1-$2${3:+-peepholes}"
    "$recurrent" train "$work/text.txt" --level "$1" --cell "$2" "${tiny[@]}" "${@:3}" --output "$work/$name" 2>/dev/null
    cp "$work/$name/latest.safetensors" "$seeds/FuzzTextCheckpoint/$name.safetensors"
    cp "$work/$name/latest.safetensors" "$seeds/FuzzSafeTensors/$name.safetensors"
done

# Series checkpoints: a forecaster and a numeric and a text classifier.
"$recurrent" forecast train Data/co2.csv --column co2 --lookback 8 --horizon 2 --hidden 4 --layers 1 --epochs 1 \
    --output "$work/forecast" >/dev/null 2>&1
cp "$work/forecast/forecast.safetensors" "$seeds/FuzzForecastCheckpoint/co2.safetensors"
head -n 300 Data/digits.csv > "$work/digits.csv"
"$recurrent" classify train "$work/digits.csv" --label-last --steps 8 --features 8 --hidden 4 --layers 1 --epochs 1 \
    --output "$work/classify" >/dev/null 2>&1
cp "$work/classify/classifier.safetensors" "$seeds/FuzzClassifierCheckpoint/digits.safetensors"
for i in $(seq 1 40); do printf 'pos\tgood fine great %d\nneg\tbad awful poor %d\n' "$i" "$i"; done > "$work/text.tsv"
"$recurrent" classify train "$work/text.tsv" --text --hidden 4 --layers 1 --epochs 1 --output "$work/textclass" >/dev/null 2>&1
cp "$work/textclass/classifier.safetensors" "$seeds/FuzzClassifierCheckpoint/text.safetensors"

# Corpora: byte 0 picks the level and word options, byte 1 the chunk size (see FuzzCorpus).
corpus() { printf "\\x$1\\x$2" > "$seeds/FuzzCorpus/$3"; cat >> "$seeds/FuzzCorpus/$3"; }
head -c 400 Data/tinyshakespeare.txt | corpus 00 03 shakespeare-char
head -c 400 Data/tinyshakespeare.txt | corpus 05 07 shakespeare-word
head -c 400 Data/anna.txt | corpus 02 00 anna-byte
printf 'café naïve — 日本語 e\xcc\x81 👩‍👩‍👧 \r\n tab\there\n' | corpus 00 01 unicode-char
printf 'JERRY: Hello, there... (sits) "no!" it'"'"'s 3.5%% off\r\n' | corpus 0d 02 punctuation-word

# Series files: byte 0 picks the header mode (0 auto, 1 present, 2 absent).
for f in co2 elnino elec_equip; do { printf '\x00'; head -n 40 "Data/$f.csv"; } > "$seeds/FuzzSeriesCSV/$f.csv"; done
{ printf '\x02'; head -n 20 Data/digits.csv; } > "$seeds/FuzzSeriesCSV/digits.csv"
printf '\x00date,v\n2020-01-31,1\n2020-02-29,\n2020-03-31,3\n' > "$seeds/FuzzSeriesCSV/iso-gap.csv"
printf '\x01when;v\n1/31/2020,1.5e3\n2/29/2020,NaN\n3/31/2020,-2\n' > "$seeds/FuzzSeriesCSV/slash.csv"
printf '\x00d,v\n31.01.2020,1\n29.02.2020,2\nMar-2020,3\n2020,4\n20200101,5\n' > "$seeds/FuzzSeriesCSV/mixed-dates.csv"
printf '\x00pos\tgood fine\nneg\tbad awful\n' > "$seeds/FuzzSeriesCSV/text.tsv"

# Primes: byte 0 picks the model (0 char, 1 word, 2 byte; see FuzzPrime).
printf '\x00jerry:' > "$seeds/FuzzPrime/char"
printf '\x01nora: what now?' > "$seeds/FuzzPrime/word"
printf '\x02caf\xc3\xa9 \xff' > "$seeds/FuzzPrime/byte"
printf '\x00' > "$seeds/FuzzPrime/empty"
ls -R "$seeds" | head -60
du -sh "$seeds"
