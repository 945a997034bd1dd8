package hooks

import (
	"fmt"
	"net/http"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Read receipts (notice_reads, [000] 管理员 3.9: the office makes sure every
// household affected knows): the portal marks a notice read when a resident
// opens it, once per resident; the desk lists the households of the
// audience where nobody has read it, with their phones, and calls them.

func registerNoticeReads(app core.App) {
	app.OnRecordUpdate("notice_reads").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"read_at": codedError("wuye_notice_read_final")})
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/api/wuye/notices/{id}/read", markNoticeRead).Bind(apis.RequireAuth("residents"))
		se.Router.GET("/api/wuye/notices/{id}/unread", noticeUnread).Bind(apis.RequireAuth())
		se.Router.GET("/api/wuye/notices/reads", noticeReadCounts).Bind(apis.RequireAuth())
		return se.Next()
	})
}

func init() {
	messages["wuye_notice_read_final"] = text{"阅读记录不能修改", "A read receipt cannot be changed."}
}

// markNoticeRead answers POST /api/wuye/notices/{id}/read: the signed-in
// resident has opened the notice (one they may read). A second call
// changes nothing and answers the first reading's time.
func markNoticeRead(e *core.RequestEvent) error {
	n, err := readableRecord(e, "notices")
	if err != nil {
		return err
	}
	var readAt string
	err = e.App.RunInTransaction(func(tx core.App) error {
		if r, err := tx.FindFirstRecordByFilter("notice_reads", "notice = {:n} && resident = {:r}",
			dbx.Params{"n": n.Id, "r": e.Auth.Id}); err == nil {
			readAt = r.GetDateTime("read_at").String()
			return nil
		}
		col, err := tx.FindCachedCollectionByNameOrId("notice_reads")
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		r.Set("notice", n.Id)
		r.Set("resident", e.Auth.Id)
		r.Set("read_at", nowDateTime())
		readAt = r.GetDateTime("read_at").String()
		return tx.Save(r)
	})
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"notice": n.Id, "read_at": readAt})
}

// noticeFollowers are the staff who follow up a notice by phone.
var noticeFollowers = []string{RoleFrontDesk, RoleAreaManager, RoleSupervisor, RoleDirector}

// UnreadHousehold is a household of a notice's audience where nobody has
// opened it, with who lives there, for the desk's follow-up call.
type UnreadHousehold struct {
	Unit     string `db:"unit" json:"unit"`
	Building string `db:"building" json:"building"`
	Number   string `db:"number" json:"number"`
	Contacts string `db:"contacts" json:"contacts"` // "name phone; …"
}

// NoticeReach counts the households of a notice's audience and those of
// them where someone has read it.
type NoticeReach struct {
	Notice     string `db:"notice" json:"notice"`
	Households int    `db:"households" json:"households"`
	Read       int    `db:"read" json:"read"`
}

// householdReadSQL: someone who currently lives in unit u has read notice n.
const householdReadSQL = `EXISTS (SELECT 1 FROM notice_reads r JOIN unit_residents l ON l.resident = r.resident AND l.active = TRUE
	WHERE r.notice = n.id AND l.unit = u.id)`

// NoticeUnread lists the households of notice id's audience where nobody
// has read it, by building and number.
func NoticeUnread(app core.App, id string) ([]UnreadHousehold, error) {
	out := []UnreadHousehold{}
	err := app.DB().NewQuery(`SELECT u.id AS unit, b.name AS building, u.number,
			COALESCE((SELECT group_concat(p.name || ' ' || p.phone, '; ') FROM unit_residents l JOIN residents p ON p.id = l.resident
				WHERE l.unit = u.id AND l.active = TRUE), '') AS contacts
		FROM notices n JOIN units u ON ` + audienceUnitCond("n", true) + `
			JOIN buildings b ON b.id = u.building
		WHERE n.id = {:id} AND NOT ` + householdReadSQL + `
		ORDER BY b.code, u.number`).Bind(dbx.Params{"id": id}).All(&out)
	if err != nil {
		return nil, fmt.Errorf("notice unread: %w", err)
	}
	return out, nil
}

// NoticeReaches counts, for the community's notices (the newest 200), the
// households each reaches and those that have read it.
func NoticeReaches(app core.App, community string) ([]NoticeReach, error) {
	out := []NoticeReach{}
	err := app.DB().NewQuery(`SELECT n.id AS notice,
			(SELECT COUNT(*) FROM units u WHERE ` + audienceUnitCond("n", true) + `) AS households,
			(SELECT COUNT(*) FROM units u WHERE ` + audienceUnitCond("n", true) + ` AND ` + householdReadSQL + `) AS read
		FROM notices n WHERE n.community = {:c} ORDER BY n.published_at DESC LIMIT 200`).Bind(dbx.Params{"c": community}).All(&out)
	if err != nil {
		return nil, fmt.Errorf("notice reaches: %w", err)
	}
	return out, nil
}

// noticeUnread answers GET /api/wuye/notices/{id}/unread for the staff who
// follow notices up: the households not reached yet, and the counts.
func noticeUnread(e *core.RequestEvent) error {
	n, err := readableRecord(e, "notices")
	if err != nil {
		return err
	}
	if !e.HasSuperuserAuth() && !hasRole(e.Auth, noticeFollowers...) {
		return apis.NewForbiddenError("", nil)
	}
	unread, err := NoticeUnread(e.App, n.Id)
	if err != nil {
		return err
	}
	var reach NoticeReach
	err = e.App.DB().NewQuery(`SELECT n.id AS notice,
			(SELECT COUNT(*) FROM units u WHERE ` + audienceUnitCond("n", true) + `) AS households,
			(SELECT COUNT(*) FROM units u WHERE ` + audienceUnitCond("n", true) + ` AND ` + householdReadSQL + `) AS read
		FROM notices n WHERE n.id = {:id}`).Bind(dbx.Params{"id": n.Id}).One(&reach)
	if err != nil {
		return fmt.Errorf("notice reach: %w", err)
	}
	return e.JSON(http.StatusOK, map[string]any{"households": reach.Households, "read": reach.Read, "unread": unread})
}

// noticeReadCounts answers GET /api/wuye/notices/reads?community=…: the
// reach of each of the community's notices, for the staff list.
func noticeReadCounts(e *core.RequestEvent) error {
	community, err := statsCommunity(e, noticeFollowers...)
	if err != nil {
		return err
	}
	out, err := NoticeReaches(e.App, community)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"items": out})
}
