#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

// PNG decoding into 8-bit RGB with libpng's classic API. libpng reports errors by longjmp, which
// Swift cannot catch, so the whole decode runs inside this C function.

typedef struct {
    const unsigned char *data;
    size_t size;
    size_t offset;
} cpng_source;

static void cpng_read_bytes(png_structp png, png_bytep out, png_size_t length) {
    cpng_source *source = (cpng_source *)png_get_io_ptr(png);
    if (length > source->size - source->offset) {
        png_error(png, "unexpected end of data (truncated file)");
    }
    memcpy(out, source->data + source->offset, length);
    source->offset += length;
}

static void cpng_on_error(png_structp png, png_const_charp message) {
    char *buffer = (char *)png_get_error_ptr(png);
    strncpy(buffer, message, 255);
    buffer[255] = 0;
    png_longjmp(png, 1);
}

static void cpng_on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

/// Decodes a PNG held in memory to 8-bit RGB, row-major HWC, as Pillow's `convert('RGB')` does:
/// palette looked up, gray replicated, alpha dropped (not composited), low bit depths expanded.
/// 16-bit samples keep their high byte, except 16-bit gray without alpha, which Pillow opens as
/// mode I;16 and clips to 0...255. Returns 0 and a malloc'ed `*pixels` (free it)
/// on success; otherwise 1 with a message in `error` (at least 256 bytes).
static inline int cpng_decode_rgb8(const unsigned char *data, size_t size, unsigned char **pixels,
                                   unsigned *width, unsigned *height, char *error) {
    *pixels = NULL;
    error[0] = 0;
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        strcpy(error, "not a PNG file");
        return 1;
    }
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, error, cpng_on_error, cpng_on_warning);
    if (!png) {
        strcpy(error, "libpng initialisation failed");
        return 1;
    }
    png_infop info = png_create_info_struct(png);
    cpng_source source = {data, size, 0};
    unsigned char *volatile buffer = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(buffer);
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return 1;
    }
    png_set_read_fn(png, &source, cpng_read_bytes);
    png_read_info(png, info);
    int color = png_get_color_type(png, info);
    int depth = png_get_bit_depth(png, info);
    int clipGray16 = (color == PNG_COLOR_TYPE_GRAY && depth == 16);
    if (depth == 16 && !clipGray16) png_set_strip_16(png);
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if ((color == PNG_COLOR_TYPE_GRAY && !clipGray16) || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    if (color & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    size_t rowBytes = png_get_rowbytes(png, info);
    // Palette expansion also turns a tRNS chunk into a 4th (alpha) channel, dropped below.
    size_t channels = png_get_channels(png, info);
    size_t sampleBytes = clipGray16 ? 2 : 1;
    if (w == 0 || h == 0 || (unsigned long long)w * h > (1ull << 28) ||
        (clipGray16 ? channels != 1 : (channels != 3 && channels != 4)) || rowBytes != (size_t)w * channels * sampleBytes) {
        png_error(png, "unsupported image dimensions or layout");
    }
    // Room for the RGB output even when the decoded rows are narrower (2-byte gray → 3-byte RGB).
    buffer = (unsigned char *)malloc(clipGray16 ? (size_t)w * h * 3 : rowBytes * h);
    rows = (png_bytep *)malloc(sizeof(png_bytep) * h);
    if (!buffer || !rows) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < h; y++) rows[y] = buffer + y * rowBytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    if (clipGray16) {
        // Expand in place from the end: output pixel i (3 bytes) never overtakes input sample i (2 bytes).
        for (size_t i = (size_t)w * h; i-- > 0;) {
            unsigned value = ((unsigned)buffer[2 * i] << 8) | buffer[2 * i + 1];   // PNG samples are big-endian
            unsigned char clipped = value > 255 ? 255 : (unsigned char)value;
            buffer[3 * i] = buffer[3 * i + 1] = buffer[3 * i + 2] = clipped;
        }
    } else if (channels == 4) {
        for (size_t i = 0; i < (size_t)w * h; i++) memmove(buffer + 3 * i, buffer + 4 * i, 3);
    }
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    *pixels = buffer;
    *width = w;
    *height = h;
    return 0;
}
