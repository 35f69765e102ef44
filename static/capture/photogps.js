// The photo's own position and time, read on the phone (exifr) so the volunteer sees them before sending.
const EXIFR = "/vendor/exifr/full.esm.js"; // JPEG, HEIC, PNG, AVIF, TIFF; loaded on the first photo
let loading = null;

async function exifr() {
  loading ??= import(EXIFR).then((module) => module.default ?? module);
  return loading;
}

const finite = (x) => typeof x === "number" && Number.isFinite(x);

/** { lat, lon, accuracy_m, taken_at } from a photo's EXIF, or null when it has no usable GPS. */
export async function readPhotoGps(blob) {
  let tags;
  try {
    tags = await (await exifr()).parse(await blob.arrayBuffer(), { // whole: a chunked read misses late GPS IFDs
      tiff: true, exif: true, gps: true, xmp: false, icc: false, iptc: false, jfif: false, ihdr: false,
    });
  } catch {
    return null; // unreadable here: the server reads the file again
  }
  if (!tags || !finite(tags.latitude) || !finite(tags.longitude)) return null;
  if (tags.latitude === 0 && tags.longitude === 0) return null; // a camera with no fix writes 0, 0
  if (Math.abs(tags.latitude) > 90 || Math.abs(tags.longitude) > 180) return null;
  const accuracy = finite(tags.GPSHPositioningError) ? tags.GPSHPositioningError : null;
  return { lat: tags.latitude, lon: tags.longitude, accuracy_m: accuracy, taken_at: takenAt(tags) };
}

/** The photo's time in ms: with its UTC offset when it says one, else read as the phone's local time. */
function takenAt(tags) {
  const local = tags.DateTimeOriginal ?? tags.CreateDate;
  if (!(local instanceof Date) || Number.isNaN(local.getTime())) return null;
  const offset = /^([+-])(\d\d):(\d\d)$/.exec(tags.OffsetTimeOriginal || "");
  if (!offset) return local.getTime();
  // exifr read the wall-clock time as this phone's local time; move it to the photo's own offset.
  const minutes = (offset[1] === "-" ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
  return local.getTime() - local.getTimezoneOffset() * 60000 - minutes * 60000;
}

/** Metres between two positions (haversine). */
export function distanceM(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

/** "1,480 km", "240 m". */
export function distanceText(metres) {
  if (metres < 1000) return `${Math.round(metres)} m`;
  return `${Math.round(metres / 1000).toLocaleString("en")} km`;
}

/** "just now", "12 minutes ago", "3 days ago". */
export function ageText(ms) {
  const minutes = Math.round(ms / 60000);
  if (minutes < 2) return "just now";
  if (minutes < 120) return `${minutes} minutes ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hours ago`;
  const days = Math.round(hours / 24);
  if (days < 730) return `${days} days ago`;
  return `${Math.floor(days / 365.25)} years ago`;
}
