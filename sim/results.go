package sim

// Schema names the version of the results file format.
const Schema = "domino.results/v1"

// Results is the content of a results file (docs/model.md §8). Times are in
// milliseconds unless a field says otherwise.
type Results struct {
	Schema      string `json:"schema"`
	Scenario    string `json:"scenario"`
	Description string `json:"description,omitempty"`
	Platform    string `json:"platform_name,omitempty"`
	Currency    string `json:"currency,omitempty"`
	Seed        uint64 `json:"seed"`
	// Trials is the number of trials the statistics are over. In a
	// Partial file (an interrupted run) it is TrialsDone, the trials
	// completed, always the first ones: [0, TrialsDone) of the
	// TrialsRequested asked for.
	Trials          int     `json:"trials"`
	Partial         bool    `json:"partial,omitempty"`
	TrialsDone      int     `json:"trials_done,omitempty"`
	TrialsRequested int     `json:"trials_requested,omitempty"`
	HorizonMs       int64   `json:"horizon_ms"`
	SoftWeight      float64 `json:"soft_weight"`
	// People is the platform's distinct users (`people:`), absent when the
	// file does not declare it; then so are the platform's people figures.
	People   int64           `json:"people,omitempty"`
	Services []ServiceResult `json:"services"`
	Summary  PlatformResult  `json:"platform"`
	Curve    Curve           `json:"curve"`
	// Compliance is the verdict on each service's RTO and RPO targets,
	// absent when no service has one.
	Compliance *Compliance `json:"compliance,omitempty"`
	// Risk is the risk of one horizon from these trials, each one horizon
	// sampled plainly, when some event has a rate; absent otherwise
	// (docs/model.md §13).
	Risk *RiskFigures `json:"risk,omitempty"`
	// Uncertainty is the spread of the headline figures over draws of the
	// file's uncertain inputs (run --uncertainty N), absent otherwise.
	Uncertainty *Uncertainty `json:"uncertainty,omitempty"`
}

// ServiceResult is one service's statistics over the trials.
type ServiceResult struct {
	ID        string  `json:"id"`
	Users     int64   `json:"users"`
	Priority  int     `json:"priority"`
	PAffected float64 `json:"p_affected"`
	Downtime  Summary `json:"downtime_ms"`
	Recovery  Summary `json:"recovery_ms"`
	// Restored is when the service was back to normal for good (up,
	// carrying its whole load, not degraded), from the trial's first
	// disruption like Recovery, over the trials in which it went down,
	// shed load or was degraded; cut at the horizon (censored) in those
	// where it was not normal at it, counted in PUnrestored.
	Restored     Summary `json:"restored_ms"`
	Degraded     Summary `json:"degraded_ms"`
	DataLoss     Summary `json:"data_loss_ms"`
	PAllDataLost float64 `json:"p_all_data_lost"`
	PUnrecovered float64 `json:"p_unrecovered"`
	PUnrestored  float64 `json:"p_unrestored"`
	PRTOBreach   float64 `json:"p_rto_breach"`
	PRPOBreach   float64 `json:"p_rpo_breach"`
	// RTOMs and RPOMs are the service's targets (its own or its tier's),
	// absent when it has none.
	RTOMs        *int64             `json:"rto_ms,omitempty"`
	RPOMs        *int64             `json:"rpo_ms,omitempty"`
	DowntimeHist Hist               `json:"downtime_hist"`
	Shed         Summary            `json:"shed_ms"`
	PPartial     float64            `json:"p_partial"`
	Causes       map[string]float64 `json:"causes"`
	TopCause     string             `json:"top_cause,omitempty"`
	// UserHours is the expected user-hours lost to this service:
	// users × mean ∫ rate dt, the rate being 1 while down, (1 − φ) +
	// soft_weight × φ × degraded while up (docs/model.md §8, §11).
	UserHours float64 `json:"user_hours"`
}

// PlatformResult holds the per-trial platform figures (docs/model.md §8).
type PlatformResult struct {
	FullRecovery Summary `json:"full_recovery_ms"`
	UserHours    Summary `json:"user_hours"`
	Cost         Summary `json:"cost"`
	PeakDown     Summary `json:"peak_down"`
	CrewHours    Summary `json:"crew_hours"`
	PDeadlock    float64 `json:"p_deadlock"`
	PUnrecovered float64 `json:"p_unrecovered"`
	// PeakPeople is the most people cut off at once in a trial,
	// min(people, Σ users of the services down), and PersonHours its
	// integral over the trial in hours: each person counts once, however
	// many services they lost (docs/model.md §8.1). Only with people.
	PeakPeople  *Summary `json:"people_cut_off_peak,omitempty"`
	PersonHours *Summary `json:"person_hours,omitempty"`
	// PRTOBreachP1 is the share of trials in which some priority-1 service
	// had an outage longer than its rto.
	PRTOBreachP1 float64 `json:"p_rto_breach_p1"`
	// FullRestored is when everything was back to normal for good, from
	// the trial's first disruption like FullRecovery: the last Restored of
	// any service that left normal, cut at the horizon (censored) when one
	// was not normal at it (PUnrestored), 0 when none left normal.
	FullRestored Summary `json:"full_restored_ms"`
	PUnrestored  float64 `json:"p_unrestored"`
}

// Curve is the recovery curve: fractions of services up and of users served
// at each grid time.
type Curve struct {
	TMs         []int64 `json:"t_ms"`
	ServicesUp  Band    `json:"services_up"`
	UsersServed Band    `json:"users_served"`
}

// Band is a curve's mean with its 10th and 90th percentiles across trials.
type Band struct {
	Mean []float64 `json:"mean"`
	P10  []float64 `json:"p10"`
	P90  []float64 `json:"p90"`
}

// Hist is a histogram of equal bins from 0: Counts[i] trials fell in
// [i·BinMs, (i+1)·BinMs).
type Hist struct {
	BinMs  int64   `json:"bin_ms"`
	Counts []int64 `json:"counts"`
}
