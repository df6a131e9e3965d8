package boards

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // decoders for DecodeConfig
	_ "image/jpeg"
	_ "image/png"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flexboard/flexboard/internal/errs"
	_ "golang.org/x/image/webp"
)

// Limits of uploaded images.
const (
	MaxImageBytes   = 2 << 20 // one image: a logo or a floor plan, not a photo album
	MaxImages       = 500     // images kept by the server
	MaxImageNameLen = 200     // characters
	MaxImageSide    = 16384   // pixels: a browser decodes the whole bitmap
)

// ImageTypes are the image formats accepted, detected from the bytes (never
// trusted from the request). SVG is refused: it can carry script.
var ImageTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp"}

// Image is an uploaded image without its bytes.
type Image struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int       `json:"size"`
	URL         string    `json:"url"`
	CreatedAt   time.Time `json:"created_at"`
}

// ImageStore keeps uploaded images.
type ImageStore interface {
	CreateImage(ctx context.Context, name string, data []byte) (*Image, error)
	FindImages(ctx context.Context) ([]Image, error)
	// ImageData returns an image and its bytes.
	ImageData(ctx context.Context, id string) (*Image, []byte, error)
	DeleteImage(ctx context.Context, id string) error
}

var _ ImageStore = (*SQLiteImages)(nil)

// SQLiteImages is the ImageStore in the server's database.
type SQLiteImages struct{ db *sql.DB }

// NewSQLiteImages returns the image store of db.
func NewSQLiteImages(db *sql.DB) *SQLiteImages { return &SQLiteImages{db: db} }

// DetectImage returns the content type of data when it is an accepted image.
func DetectImage(data []byte) (string, error) {
	if len(data) == 0 {
		return "", errs.Invalidf("", "the body is empty: send the image's bytes (PNG, JPEG, GIF or WebP)")
	}
	if len(data) > MaxImageBytes {
		return "", errs.E(errs.TooLarge, "", "the image is %d bytes; at most %d (2 MiB)", len(data), MaxImageBytes)
	}
	ct := http.DetectContentType(data)
	for _, t := range ImageTypes {
		if ct != t {
			continue
		}
		// The magic bytes are not enough: the header must decode too.
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return "", errs.E(errs.Unsupported, "", "the body starts like %s but is not a readable image (%v): send PNG, JPEG, GIF or WebP", ct, err)
		}
		if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxImageSide || cfg.Height > MaxImageSide {
			return "", errs.Invalidf("", "the image is %d×%d pixels; each side must be 1 to %d", cfg.Width, cfg.Height, MaxImageSide)
		}
		return ct, nil
	}
	return "", errs.E(errs.Unsupported, "", "the body is %s, not an image this server keeps: send PNG, JPEG, GIF or WebP (SVG is refused: it can carry script)", ct)
}

// CreateImage implements ImageStore.
func (s *SQLiteImages) CreateImage(ctx context.Context, name string, data []byte) (*Image, error) {
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > MaxImageNameLen || strings.ContainsAny(name, "\r\n") {
		return nil, errs.Invalidf("name", "must be one line of at most %d characters", MaxImageNameLen)
	}
	ct, err := DetectImage(data)
	if err != nil {
		return nil, err
	}
	img := &Image{ID: NewID(), Name: name, ContentType: ct, Size: len(data), CreatedAt: time.Now().UTC()}
	img.URL = "/api/v1/images/" + img.ID
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store image: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM images`).Scan(&n); err != nil {
		return nil, fmt.Errorf("count images: %w", err)
	}
	if n >= MaxImages {
		return nil, errs.E(errs.Conflict, "", "the server already keeps %d images, the most it keeps; delete some first", MaxImages)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO images (id, name, content_type, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		img.ID, img.Name, img.ContentType, img.Size, data, formatTime(img.CreatedAt)); err != nil {
		return nil, fmt.Errorf("store image: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store image: %w", err)
	}
	return img, nil
}

// FindImages implements ImageStore: newest first.
func (s *SQLiteImages) FindImages(ctx context.Context) ([]Image, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, content_type, size, created_at FROM images ORDER BY created_at DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	defer rows.Close()
	list := []Image{}
	for rows.Next() {
		var img Image
		var created string
		if err := rows.Scan(&img.ID, &img.Name, &img.ContentType, &img.Size, &created); err != nil {
			return nil, fmt.Errorf("list images: %w", err)
		}
		img.CreatedAt, _ = parseTime(created)
		img.URL = "/api/v1/images/" + img.ID
		list = append(list, img)
	}
	return list, rows.Err()
}

// ImageData implements ImageStore.
func (s *SQLiteImages) ImageData(ctx context.Context, id string) (*Image, []byte, error) {
	img := &Image{ID: id, URL: "/api/v1/images/" + id}
	var created string
	var data []byte
	err := s.db.QueryRowContext(ctx, `SELECT name, content_type, size, data, created_at FROM images WHERE id = ?`, id).
		Scan(&img.Name, &img.ContentType, &img.Size, &data, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errs.E(errs.NotFound, "", "no image %q", clip(id))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read image %s: %w", id, err)
	}
	img.CreatedAt, _ = parseTime(created)
	return img, data, nil
}

// DeleteImage implements ImageStore.
func (s *SQLiteImages) DeleteImage(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM images WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete image %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.NotFound, "", "no image %q", clip(id))
	}
	return nil
}
