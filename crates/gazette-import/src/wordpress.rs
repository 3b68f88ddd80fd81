//! WordPress WXR exports, streamed.
