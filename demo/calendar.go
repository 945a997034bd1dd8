package demo

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/lib/workcal"
)

// SpringFestival2027 describes, from the calendar in force, the deadlines
// of a complaint and a renovation application taken on Thursday 4 February
// 2027 at 16:00, the eve of the Spring Festival break (built in from
// lunar-go v1.4.7: 5–13 February off, Sunday 14 February worked). The demo
// prints it with the logins; the director's calendar screen (#/calendar)
// lists the break. Started with WUYE_CLOCK=2027-02-04T16:00:00+08:00, the
// demo files its complaints that day and they show these deadlines.
func SpringFestival2027(app core.App) (string, error) {
	c, err := hooks.Calendar(app)
	if err != nil {
		return "", err
	}
	taken := time.Date(2027, 2, 4, 16, 0, 0, 0, workcal.Shanghai)
	f := func(t time.Time) string { return t.Format("01-02 15:04") }
	return fmt.Sprintf("2027 春节 Spring Festival: 02-04 16:00 受理的投诉 a complaint taken then — 首次回应 first response %s, 答复 reply %s; "+
		"装修申请 a renovation application — 工程审核 engineering review %s（2月5日–13日放假，2月14日调休上班 5–13 Feb off, 14 Feb worked）",
		f(taken.Add(24*time.Hour)), f(c.AddWorkingDays(taken, 2)), f(c.AddWorkingDays(taken, 2))), nil
}
