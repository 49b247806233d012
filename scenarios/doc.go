// Package scenarios provides domino's embedded scenario files: the Kakao
// Pangyo 2022 fire that domino runs by default, and the other real incidents
// it ships as ready-to-run examples. Each file cites its sources in comments
// and marks every number as reported fact or our assumption.
package scenarios
