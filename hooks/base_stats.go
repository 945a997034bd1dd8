package hooks

import (
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"wuye/lib/workcal"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Statistics requests: who may read a community's figures, the month or
// range asked for, one handler for the monthly statistics routes, and ratios
// rounded alike everywhere.

// ratio is n/d rounded to 4 places, or nil when there is nothing to count.
func ratio(n, d int) any {
	if d == 0 {
		return nil
	}
	return math.Round(float64(n)/float64(d)*10000) / 10000
}

// statsCommunity is the community a statistics request asks about
// (?community=…), refused unless the caller is a superuser or has one of
// roles in that community.
func statsCommunity(e *core.RequestEvent, roles ...string) (string, error) {
	community := e.Request.URL.Query().Get("community")
	if !e.HasSuperuserAuth() && !(hasRole(e.Auth, roles...) && servesCommunity(e.Auth, community)) {
		return "", apis.NewForbiddenError("", nil)
	}
	return community, nil
}

// statsMonth reads a month written YYYY-MM, in office time.
func statsMonth(s string) (time.Time, error) {
	month, err := time.ParseInLocation("2006-01", s, workcal.Shanghai)
	if err != nil {
		return time.Time{}, badRequest(validation.Errors{"month": codedError("wuye_bad_month")})
	}
	return month, nil
}

// statsRequest checks a monthly statistics request: signed in, a supervisor
// or director of the community (or a superuser), and ?month=YYYY-MM.
func statsRequest(e *core.RequestEvent) (string, time.Time, error) {
	if e.Auth == nil {
		return "", time.Time{}, apis.NewUnauthorizedError("", nil)
	}
	community, err := statsCommunity(e, RoleSupervisor, RoleDirector)
	if err != nil {
		return "", time.Time{}, err
	}
	month, err := statsMonth(e.Request.URL.Query().Get("month"))
	return community, month, err
}

// monthlyStats is the handler of a monthly statistics route
// (GET /api/stats/complaints, /api/stats/work-orders): the request checked
// by statsRequest, the figures of compute as JSON.
func monthlyStats(compute func(app core.App, community string, month, at time.Time) (map[string]any, error)) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		community, month, err := statsRequest(e)
		if err != nil {
			return err
		}
		// One computation for every caller of the same scope within a
		// second (sharedAnswer): the answer depends on the community and
		// the month only.
		stats, err := sharedAnswer(e, func() (any, error) { return compute(e.App, community, month, now()) })
		if err != nil {
			return err
		}
		return e.JSON(http.StatusOK, stats)
	}
}

var statsRangeCode = regexp.MustCompile(`^(\d{4})(?:-(\d{2})|-Q([1-4])|-H([12]))?$`)

// statsRange reads a month (2026-03), quarter (2026-Q1), half-year (2026-H1)
// or year (2026) into its first and last civil days.
func statsRange(code string) (time.Time, time.Time, error) {
	m := statsRangeCode.FindStringSubmatch(code)
	if m == nil {
		return time.Time{}, time.Time{}, fmt.Errorf("bad range %q", code)
	}
	y, _ := strconv.Atoi(m[1])
	first, months := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), 12
	switch {
	case m[2] != "":
		mo, _ := strconv.Atoi(m[2])
		if mo < 1 || mo > 12 {
			return time.Time{}, time.Time{}, fmt.Errorf("bad month in %q", code)
		}
		first, months = first.AddDate(0, mo-1, 0), 1
	case m[3] != "":
		q, _ := strconv.Atoi(m[3])
		first, months = first.AddDate(0, 3*(q-1), 0), 3
	case m[4] != "":
		h, _ := strconv.Atoi(m[4])
		first, months = first.AddDate(0, 6*(h-1), 0), 6
	}
	return first, first.AddDate(0, months, -1), nil
}

func ratioFen(n, d int64) any {
	if d <= 0 {
		return nil
	}
	return ratio(int(n), int(d))
}
