#!/usr/bin/env bash
# Writes real price series the engine was never tuned on, for `evaluate`: daily closes published in the R packages
# AER and fGarch, which Debian ships (r-cran-aer, r-cran-fgarch; installed here if missing, as root). Not part of CI.
#   bash scripts/real-series.sh [directory]      (default /tmp/signalengine-real); prints the files it wrote
#
# | file        | series (R dataset)                                                        |
# |-------------|---------------------------------------------------------------------------|
# | djia.csv    | Dow Jones Industrial Average, 1980-2012, 8,610 closes (AER::DJIA8012)     |
# | gold.csv    | gold price, 1977-2012, 9,132 daily (AER::GoldSilver)                      |
# | silver.csv  | silver price, the same days (AER::GoldSilver)                             |
# | msci-ch.csv | MSCI Switzerland index, 1994-2012, 4,697 closes (AER::MSCISwitzerland)    |
# | nyse.csv    | NYSE composite index, 1990-2005, 4,003 closes (AER::NYSESW)              |
# | dem2gbp.csv | DEM/GBP exchange rate, 1,974 daily log returns from 1984 (fGarch::dem2gbp) |
#
# dem2gbp holds returns only: the closes are 100·exp(cumulative return / 100) and its dates number weekdays from
# 1984-01-03, in order (the source has no dates).
set -euo pipefail

out=${1:-/tmp/signalengine-real}
if ! Rscript -e 'stopifnot(requireNamespace("AER", quietly = TRUE), requireNamespace("fGarch", quietly = TRUE))' >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || { echo "real-series: R packages AER and fGarch missing; re-run as root to install r-cran-aer r-cran-fgarch" >&2; exit 1; }
  apt-get install -y --no-install-recommends r-cran-aer r-cran-fgarch >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends r-cran-aer r-cran-fgarch >/dev/null; }
fi
mkdir -p "$out"
cd "$out"
Rscript --vanilla -e '
suppressMessages({ library(zoo); library(AER); library(fGarch) })
write_closes <- function(dates, name, closes, file) {
  d <- data.frame(Date = format(dates), Instrument = name, Close = as.numeric(closes))
  write.csv(d[is.finite(d$Close), ], file, row.names = FALSE, quote = FALSE)
  cat(file.path(getwd(), file), "\n", sep = "")
}
series <- function(x, name, file) write_closes(index(x), name, coredata(x), file)
data(DJIA8012); series(DJIA8012, "DJIA", "djia.csv")
data(GoldSilver); series(GoldSilver[, "gold"], "GOLD", "gold.csv"); series(GoldSilver[, "silver"], "SILVER", "silver.csv")
data(MSCISwitzerland); series(MSCISwitzerland, "MSCICH", "msci-ch.csv")
data(NYSESW); series(NYSESW, "NYSE", "nyse.csv")
data(dem2gbp); r <- dem2gbp[, 1]
days <- seq(as.Date("1984-01-03"), by = "day", length.out = 2 * length(r))
weekdays <- days[as.POSIXlt(days)$wday %in% 1:5][seq_along(r)]
write_closes(weekdays, "DEMGBP", 100 * exp(cumsum(r / 100)), "dem2gbp.csv")
'
