#include <stdio.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

// JPEG decoding into 8-bit RGB with libjpeg(-turbo). libjpeg's default error handler exits the
// process, so errors are turned into a longjmp back into this C function.

struct cjpeg_error_manager {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void cjpeg_on_error(j_common_ptr info) {
    struct cjpeg_error_manager *manager = (struct cjpeg_error_manager *)info->err;
    (*info->err->format_message)(info, manager->message);
    longjmp(manager->jump, 1);
}

/// Warnings are ignored, except a premature end of data: like Pillow, a truncated file is an error.
static void cjpeg_on_message(j_common_ptr info, int level) {
    if (level < 0 && info->err->msg_code == JWRN_JPEG_EOF) {
        struct cjpeg_error_manager *manager = (struct cjpeg_error_manager *)info->err;
        strcpy(manager->message, "unexpected end of data (truncated file)");
        longjmp(manager->jump, 1);
    }
    if (level < 0) info->err->num_warnings++;
}

/// Pillow's CMYK→RGB: nk = 255 − k, channel = nk − round(c·nk/255) (its MULDIV255 rounding).
static inline unsigned char cjpeg_cmyk_channel(int c, int k) {
    int nk = 255 - k;
    int t = c * nk + 128;
    return (unsigned char)(nk - (((t >> 8) + t) >> 8));
}

/// Decodes a JPEG held in memory to 8-bit RGB, row-major HWC, with libjpeg's defaults (islow DCT,
/// fancy upsampling), as Pillow does. Gray is replicated; CMYK/YCCK is converted like Pillow's
/// `convert('RGB')` (Adobe files store inverted CMYK). Returns 0 and a malloc'ed `*pixels` (free it)
/// on success; otherwise 1 with a message in `error` (at least JMSG_LENGTH_MAX = 200 bytes).
static inline int cjpeg_decode_rgb8(const unsigned char *data, size_t size, unsigned char **pixels,
                                    unsigned *width, unsigned *height, char *error) {
    struct jpeg_decompress_struct info;
    struct cjpeg_error_manager manager;
    unsigned char *volatile buffer = NULL;
    unsigned char *volatile row = NULL;
    *pixels = NULL;
    info.err = jpeg_std_error(&manager.base);
    manager.base.error_exit = cjpeg_on_error;
    manager.base.emit_message = cjpeg_on_message;
    manager.message[0] = 0;
    if (setjmp(manager.jump)) {
        strncpy(error, manager.message, JMSG_LENGTH_MAX - 1);
        error[JMSG_LENGTH_MAX - 1] = 0;
        jpeg_destroy_decompress(&info);
        free(buffer);
        free(row);
        return 1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    int cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
    info.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(&info);
    unsigned w = info.output_width, h = info.output_height, components = info.output_components;
    if (w == 0 || h == 0 || (unsigned long long)w * h > (1ull << 28) || components != (cmyk ? 4u : 3u)) {
        strcpy(manager.message, "unsupported image dimensions or colour layout");
        longjmp(manager.jump, 1);
    }
    buffer = (unsigned char *)malloc((size_t)w * h * 3);
    row = (unsigned char *)malloc((size_t)w * components);
    if (!buffer || !row) {
        strcpy(manager.message, "out of memory");
        longjmp(manager.jump, 1);
    }
    int inverted = cmyk && info.saw_Adobe_marker;
    while (info.output_scanline < h) {
        JSAMPROW rows[1] = {row};
        unsigned y = info.output_scanline;
        jpeg_read_scanlines(&info, rows, 1);
        unsigned char *out = buffer + (size_t)y * w * 3;
        if (!cmyk) {
            memcpy(out, row, (size_t)w * 3);
            continue;
        }
        for (unsigned x = 0; x < w; x++) {
            const unsigned char *p = row + 4 * x;
            int k = inverted ? 255 - p[3] : p[3];
            for (int c = 0; c < 3; c++) out[3 * x + c] = cjpeg_cmyk_channel(inverted ? 255 - p[c] : p[c], k);
        }
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    free(row);
    *pixels = buffer;
    *width = w;
    *height = h;
    return 0;
}
