// Distances along a street's lines ([lon, lat] MultiLineString coordinates), for parts of a walk.
// Measured as the server measures a street's length (haversine over each segment), so a fraction
// the page sends means the same place along the stored street.
const EARTH_RADIUS_M = 6371008.8;
const rad = (degrees) => (degrees * Math.PI) / 180;

export function distanceM([lon1, lat1], [lon2, lat2]) {
  const a = Math.sin(rad(lat2 - lat1) / 2) ** 2
    + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

export function lengthM(lines) {
  let total = 0;
  for (const line of lines) for (let i = 1; i < line.length; i++) total += distanceM(line[i - 1], line[i]);
  return total;
}

/** The point of `lines` nearest [lon, lat]: { metres away, fraction along the street, point [lon, lat] }. */
export function nearestOn(lines, [lon, lat]) {
  // A plane in metres around the tap: exact enough within the few hundred metres that matter.
  const kx = Math.cos(rad(lat)) * rad(1) * EARTH_RADIUS_M;
  const ky = rad(1) * EARTH_RADIUS_M;
  let best = null;
  let before = 0;
  for (const line of lines) {
    for (let i = 1; i < line.length; i++) {
      const [a, b] = [line[i - 1], line[i]];
      const [ax, ay, dx, dy] = [(a[0] - lon) * kx, (a[1] - lat) * ky, (b[0] - a[0]) * kx, (b[1] - a[1]) * ky];
      const squared = dx * dx + dy * dy;
      const t = squared ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / squared)) : 0;
      const metres = Math.hypot(ax + t * dx, ay + t * dy);
      const segment = distanceM(a, b);
      if (!best || metres < best.metres) {
        best = { metres, along: before + t * segment, point: [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])] };
      }
      before += segment;
    }
  }
  if (!best) return null;
  return { metres: best.metres, fraction: before ? best.along / before : 0, point: best.point };
}

/** The pieces of `lines` between two fractions along them, to draw a part. */
export function piece(lines, from, to) {
  const total = lengthM(lines);
  const [start, end] = [from * total, to * total];
  const pieces = [];
  let before = 0;
  for (const line of lines) {
    let current = [];
    for (let i = 1; i < line.length; i++) {
      const [a, b] = [line[i - 1], line[i]];
      const segment = distanceM(a, b);
      const at = (m) => { const t = segment ? (m - before) / segment : 0; return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]; };
      if (before + segment >= start && before <= end) {
        if (!current.length) current.push(at(Math.max(start, before)));
        current.push(at(Math.min(end, before + segment)));
      }
      before += segment;
    }
    if (current.length >= 2) pieces.push(current);
    current = [];
  }
  return pieces;
}

/** Whether [lon, lat] lies inside a GeoJSON Polygon or MultiPolygon (outer ring, outside its holes). */
export function contains(geometry, [lon, lat]) {
  const inRing = (ring) => {
    let inside = false;
    for (let i = 1; i < ring.length; i++) {
      const [[x1, y1], [x2, y2]] = [ring[i - 1], ring[i]];
      if ((y1 > lat) !== (y2 > lat) && lon < x1 + ((lat - y1) * (x2 - x1)) / (y2 - y1)) inside = !inside;
    }
    return inside;
  };
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  return polygons.some(([outer, ...holes]) => inRing(outer) && !holes.some(inRing));
}
