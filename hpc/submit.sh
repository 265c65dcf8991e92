#!/bin/bash
# Submit a dataset's reports to a Slurm cluster: one array task per municipality, then one job for
# the reports on the whole dataset and the index. Run it on the login node from anywhere:
#
#   hpc/submit.sh DATASET
#
# 1. No processed dataset yet (data/processed/DATASET/manifest.json), or KS_INGEST=1: submits
#    hpc/ingest.slurm, which ingests and then runs this script again (the array's size is the
#    number of municipalities, known only once the pages are processed). Nothing else to do.
# 2. Writes the municipalities (`kommunsocial municipalities DATASET`) to
#    reports/DATASET/.slurm/municipalities.txt and submits hpc/municipality.slurm as an array over
#    them, KS_PARALLEL (default 50) at a time, in arrays of at most KS_ARRAY_LIMIT (default 1000:
#    Slurm's default MaxArraySize is 1001) tasks.
# 3. Submits hpc/finish.slurm to start when every task has ended (afterany: a failed municipality
#    is listed in the index rather than blocking it).
#
# Logs go to reports/DATASET/.slurm/. sbatch reads your account and partition from SBATCH_ACCOUNT
# and SBATCH_PARTITION; KOMMUNSOCIAL names the command when `kommunsocial` is not on PATH.
set -euo pipefail

dataset=${1:?usage: hpc/submit.sh DATASET}
ks=${KOMMUNSOCIAL:-kommunsocial}
sbatch=${SBATCH:-sbatch}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${KOMMUNSOCIAL_ROOT:-$(dirname "$here")}
cd "$root"   # the jobs start here (SLURM_SUBMIT_DIR): data/, notebooks/ and reports/ are found from it
slurm=reports/$dataset/.slurm
mkdir -p "$slurm"

job_id() { local out; out=$("$@"); echo "${out%%;*}"; }   # --parsable prints "id" or "id;cluster"

if [ ! -f "data/processed/$dataset/manifest.json" ] || [ "${KS_INGEST:-0}" = 1 ]; then
    [ -d "data/raw/$dataset" ] || { echo "no raw data in $root/data/raw/$dataset/" >&2; exit 1; }
    id=$(job_id "$sbatch" --parsable --output="$slurm/%x-%j.out" --export=ALL,KS_THEN_SUBMIT=1,KS_INGEST=0,KS_SUBMIT="$here/submit.sh" \
         "$here/ingest.slurm" "$dataset")
    echo "ingest: job $id (submits the reports when it is done)"
    exit 0
fi

list=$slurm/municipalities.txt
"$ks" municipalities "$dataset" > "$list.tmp"
mv "$list.tmp" "$list"
n=$(wc -l < "$list")
if (( n == 0 )); then
    echo "dataset $dataset has no pages: nothing to report" >&2
    exit 1
fi
limit=${KS_ARRAY_LIMIT:-1000}
parallel=${KS_PARALLEL:-50}
arrays=()
for (( offset = 0; offset < n; offset += limit )); do
    last=$(( n - offset < limit ? n - offset - 1 : limit - 1 ))
    id=$(job_id "$sbatch" --parsable --array="0-$last%$parallel" --output="$slurm/%x-%A_%a.out" \
         --export=ALL,KS_OFFSET=$offset "$here/municipality.slurm" "$dataset" "$list")
    arrays+=("$id")
    echo "municipalities $offset-$(( offset + last )) of $n: array job $id"
done
after=$(IFS=:; echo "${arrays[*]}")
id=$(job_id "$sbatch" --parsable --dependency="afterany:$after" --output="$slurm/%x-%j.out" "$here/finish.slurm" "$dataset")
echo "dataset reports and index: job $id (after $after)"
