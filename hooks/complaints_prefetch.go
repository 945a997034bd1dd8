package hooks

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// A complaint's intake holds SQLite's one write connection from markHot to
// its commit, and at 16 concurrent intakes the rate is one over that hold
// (issue #23 item 2; BENCHMARKS.md § Creates, session 15). The service
// levels need not be read inside it: prefetchIntake reads them just before,
// those in force when the complaint was received (received_at is set
// before) for its level and, when markHot may make it hot, for a hot one.
// A policy edited meanwhile starts at its edit (registerSLA) and closes its
// old version then, so the versions in force at received_at are those the
// transaction would read, but for an edit made in the same instant — the
// same as the complaint arriving a moment earlier. The community comes from
// the unit in the same query; a unit's community never changes
// (validateUnit), and the unit itself is read again in the transaction
// (markHot's readPlace, which vouches for it), so a unit deleted meanwhile
// is refused as before.
//
// The hot candidates stay in the transaction (hotMatchesUntil): intakes of
// one cluster at the same moment must see each other's marks.

// intakePolicies are the service levels read for a new complaint before
// its transaction, by grade then target, for its community at received.
type intakePolicies struct {
	community string
	received  time.Time
	byGrade   map[string]map[string]foundPolicy
}

// complaintTargets are a complaint's deadlines: the policy target and the
// field it sets.
var complaintTargets = [][2]string{{"first_response", "first_response_due"}, {"reply", "reply_due"}, {"solution", "solution_due"}}

// prefetchIntake reads the service levels of the new complaint r, as
// prepareIntake left it (above). A read that fails is left to the
// transaction, which reads again and answers as before.
func prefetchIntake(app core.App, r *core.Record) {
	received := r.GetDateTime("received_at").Time()
	if received.IsZero() {
		return
	}
	grades := []string{r.GetString("level")}
	if grades[0] == "general" {
		grades = append(grades, "hot") // markHot may make it hot
	}
	targets := make([]string, len(complaintTargets))
	for i, t := range complaintTargets {
		targets[i] = t[0]
	}
	community := r.GetString("community")
	var ps map[string]map[string]foundPolicy
	var err error
	switch {
	case community == "" && r.GetString("unit") != "" && r.GetString("building") == "":
		// markHot will take the community from the unit.
		community, ps, err = unitPoliciesAt(app, r.GetString("unit"), grades, targets, received)
	case community != "":
		ps, err = policiesAtGrades(app, community, "complaint", grades, targets, received)
	default:
		return
	}
	if err != nil || community == "" {
		return
	}
	factsOf(r).policies = &intakePolicies{community: community, received: received, byGrade: ps}
}

// unitPoliciesAt is policiesAtGrades for complaints in the community of
// unit, which it reads in the same query.
func unitPoliciesAt(app core.App, unit string, grades, targets []string, at time.Time) (string, map[string]map[string]foundPolicy, error) {
	params := dbx.Params{"u": unit, "at": at.UTC().Format(types.DefaultDateLayout)}
	in, gin := inList(params, "t", targets), inList(params, "g", grades)
	var rows []struct {
		Community string `db:"community"`
		Found     bool   `db:"found"` // the community has a policy in force
		policyRow        // its columns, as policiesAtGrades reads them
	}
	// The conditions on the policy are policiesAtGrades' (policiesInForce), in the join: a
	// community without a policy of its own still gives its row. The unit
	// is written +{:u}, as readPlace's: the kept statement is not compiled
	// again for each unit (lib/stmtcache, "A value written +?").
	err := app.DB().NewQuery(`
		SELECT u.community AS community, p.id IS NOT NULL AS found, IFNULL(p.level, '') AS grade, IFNULL(p.target, '') AS target,
			IFNULL(p.amount, 0) AS amount, IFNULL(p.unit, '') AS unit, IFNULL(p.early_minutes, 0) AS early_minutes,
			IFNULL(p.office_opens, '') AS office_opens, IFNULL(p.office_closes, '') AS office_closes, IFNULL(p.office_days, '') AS office_days
		FROM units u LEFT JOIN sla_policies p ON p.community = u.community AND p.subject = 'complaint'
			AND ` + policiesInForce("p", "level", in, gin) + `
		WHERE u.id = +{:u}
		ORDER BY ` + policiesOrder("p", "level")).Bind(params).All(&rows)
	if err != nil {
		return "", nil, fmt.Errorf("sla policy of unit %s: %w", unit, err)
	}
	if len(rows) == 0 {
		return "", nil, nil // no such unit: the transaction refuses it
	}
	var found []policyRow
	for _, r := range rows {
		if r.Found {
			found = append(found, r.policyRow)
		}
	}
	out := make(map[string]map[string]foundPolicy, len(grades))
	for _, g := range grades {
		out[g] = pickPolicies(found, "complaint", "level", g, targets)
	}
	return rows[0].Community, out, nil
}

// prefetchedPolicies are the policies of targets that prefetchIntake read
// for the new complaint r as it now is (community, level, received), if it
// did.
func prefetchedPolicies(r *core.Record, targets []string) (map[string]foundPolicy, bool) {
	v, ok := vouched.Load(r)
	if !ok || !r.IsNew() {
		return nil, false
	}
	p := v.(*writeFacts).policies
	if p == nil || p.community != r.GetString("community") || !p.received.Equal(r.GetDateTime("received_at").Time()) {
		return nil, false
	}
	ps, ok := p.byGrade[r.GetString("level")]
	if !ok {
		return nil, false
	}
	for _, t := range targets {
		if _, ok := ps[t]; !ok {
			return nil, false
		}
	}
	return ps, true
}
