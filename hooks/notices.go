package hooks

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The notice board (公告, [000] 管理员 3.9): the office posts, residents of the
// community read it on the portal's home screen. Who posts and when is set
// here, never by the client, and every post and edit is an event.
func registerNotices(app core.App) {
	app.OnRecordCreateRequest("notices").BindFunc(func(e *core.RecordRequestEvent) error {
		// The author is the staff member posting; a superuser (the
		// dashboard) posts as nobody: its id is no staff record.
		author := ""
		if isStaff(e.Auth) {
			author = e.Auth.Id
		}
		e.Record.Set("author", author)
		e.Record.Set("published_at", nowDateTime())
		return inTx(e, func(tx core.App) error {
			if err := RecordEvent(tx, Event{Subject: e.Record, Action: "create", Actor: e.Auth, Note: e.Record.GetString("title")}); err != nil {
				return err
			}
			return tellNoticeAudience(tx, e.Record)
		})
	})
	app.OnRecordUpdateRequest("notices").BindFunc(func(e *core.RecordRequestEvent) error {
		orig := e.Record.Original()
		e.Record.Set("author", orig.GetString("author"))
		e.Record.Set("published_at", orig.GetDateTime("published_at"))
		e.Record.Set("community", orig.GetString("community"))
		return inTx(e, func(tx core.App) error {
			return RecordEvent(tx, Event{Subject: e.Record, Action: "update", Actor: e.Auth, Note: e.Record.GetString("title")})
		})
	})
}

// noticeAudience lists the residents a notice is aimed at: today everyone
// with access to a unit of its community. (Notices aimed at buildings or
// units narrow this query; the fan-out stays tellNoticeAudience.)
func noticeAudience(app core.App, notice *core.Record) ([]*core.Record, error) {
	return app.FindAllRecords("residents", dbx.NewExp(`id IN (SELECT l.resident FROM unit_residents l JOIN units u ON u.id = l.unit
		WHERE u.community = {:c} AND l.active = TRUE AND l.pending IS NOT TRUE)`, dbx.Params{"c": notice.GetString("community")}))
}

// tellNoticeAudience tells each resident a notice is aimed at, in the
// notice's transaction ([000] 管理员 3.9: notices reach the residents).
func tellNoticeAudience(tx core.App, notice *core.Record) error {
	rs, err := noticeAudience(tx, notice)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if err := Notify(tx, Notice{Recipient: r, Kind: "notice", Title: "公告：" + notice.GetString("title"), Subject: notice}); err != nil {
			return err
		}
	}
	return nil
}
