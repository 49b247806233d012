// Package report writes `domino report`: one self-contained HTML page of a
// scenario's results, with the tables of package output, the figures of
// package chart and the cascade diagram of the median trial (an SVG the
// caller lays out), all inline, images as data: URLs, under a
// Content-Security-Policy that forbids any request (CSP), so that the file
// can be mailed, archived and opened offline. It is a package of its own,
// above output and chart, because it is made of both: output's tables stay
// free of gonum, and chart may use output's number formats.
package report
