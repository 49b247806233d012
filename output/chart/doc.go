// Package chart draws domino's results as figures with gonum/plot: the
// recovery curve (users served and services up over time, the mean with
// its p10–p90 band, one colour per results file), downtime by service
// (mean, p50, p90 and p99 bars, or one service's distribution) and the
// loss-exceedance curve of annual risk (P(loss > x) on log–log axes, with
// its 95% band and the return periods) and the tornado of domino
// sensitivity (each uncertain input's swing around the baseline). SVG is written by gonum's vgsvg,
// PNG rasterised by vgimg; both use the Liberation fonts, so a figure
// looks the same on every machine. Numbers on the figures are formatted
// as in the tables (package output).
package chart
