package migrations

import (
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// Neutral names for the attachments of anonymous complaints: migration 0036
// renames the files such complaints already had, and
// hooks/complaints_anonymity_files.go names new uploads.

// NeutralFileName is "attachment_<random>.<ext>", keeping only the
// extension (already sanitized by PocketBase) of name.
func NeutralFileName(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	return "attachment_" + security.RandomStringWithAlphabet(12, "abcdefghijklmnopqrstuvwxyz0123456789") + ext
}

// NeutralizeAnonymousAttachments renames the attachments of every anonymous
// complaint that are not neutral yet; it is idempotent.
func NeutralizeAnonymousAttachments(app core.App) error {
	complaints, err := app.FindCollectionByNameOrId("complaints")
	if err != nil {
		return err
	}
	events, err := app.FindCollectionByNameOrId("events")
	if err != nil {
		return err
	}
	var rows []struct {
		ID          string `db:"id"`
		Community   string `db:"community"`
		Unit        string `db:"unit"`
		Attachments string `db:"attachments"`
	}
	if err := app.DB().NewQuery(`SELECT id, community, unit, attachments FROM complaints
		WHERE anonymous = TRUE AND attachments NOT IN ('', '[]')`).All(&rows); err != nil {
		return fmt.Errorf("anonymous attachments: %w", err)
	}
	if len(rows) == 0 {
		return nil
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		return err
	}
	defer fsys.Close()
	for _, r := range rows {
		var names []string
		if err := json.Unmarshal([]byte(r.Attachments), &names); err != nil {
			return fmt.Errorf("complaint %s attachments: %w", r.ID, err)
		}
		dir := path.Join(complaints.Id, r.ID)
		renamed, old := make([]string, len(names)), []string{}
		for i, name := range names {
			if strings.HasPrefix(name, "attachment_") {
				renamed[i] = name
				continue
			}
			renamed[i] = NeutralFileName(name)
			if err := fsys.Copy(path.Join(dir, name), path.Join(dir, renamed[i])); err != nil {
				return fmt.Errorf("complaint %s: copy %s: %w", r.ID, name, err)
			}
			old = append(old, name)
		}
		if len(old) == 0 {
			continue
		}
		value, _ := json.Marshal(renamed)
		err := app.RunInTransaction(func(tx core.App) error {
			if _, err := tx.DB().Update("complaints", dbx.Params{"attachments": string(value)}, dbx.HashExp{"id": r.ID}).Execute(); err != nil {
				return err
			}
			ev := core.NewRecord(events)
			for k, v := range map[string]any{"subject_collection": "complaints", "subject_id": r.ID, "complaint": r.ID,
				"action": "correct", "community": r.Community, "unit": r.Unit,
				"note": fmt.Sprintf("匿名投诉的 %d 个附件改用不含原文件名的名称（迁移 0036）", len(old))} {
				ev.Set(k, v)
			}
			return tx.SaveNoValidate(ev)
		})
		if err != nil {
			return fmt.Errorf("complaint %s attachments: %w", r.ID, err)
		}
		// Only once the record names the copies: a failure before this
		// leaves the old files where the record still finds them.
		for _, name := range old {
			if err := fsys.Delete(path.Join(dir, name)); err != nil {
				app.Logger().Warn("anonymous attachment: old file not deleted", "complaint", r.ID, "error", err)
			}
			_ = fsys.DeletePrefix(path.Join(dir, "thumbs_"+name) + "/")
		}
	}
	return nil
}
