#!/usr/bin/env python3
"""Writes the recorded demo data of Musterstadt's urban data platform (samples/musterstadt/platform/).

Everything written is invented demo data ("Demodaten – keine echten Messwerte"). The values are deterministic
(fixed seed) so that re-running the script reproduces the files. The server shifts every timestamp by
(now floored to the hour - ANCHOR) when it serves them.
"""
import json
import math
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

ANCHOR = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
HOURS = 48
DEMO = "Demodaten – keine echten Messwerte"
OUT = Path(__file__).resolve().parents[2] / "musterstadt" / "platform"
CONTEXT = ["https://smartdatamodels.org/context.jsonld", "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld"]
random.seed(20260101)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def local_hour(t):
    return (t.hour + 1) % 24  # CET, the recording is from January


GARAGES = [
    (1, 101, "Parkhaus Am Bahnhof", 400, [11.5862, 50.9251]),
    (2, 102, "Parkhaus Altstadt", 220, [11.5891, 50.9286]),
    (3, 103, "Tiefgarage Marktplatz", 150, [11.5877, 50.9271]),
]
STATIONS = [
    (11, [104, 105, 106], "Luftmessstation Stadtpark", [11.5801, 50.9302], 0.85),
    (12, [107, 108, 109], "Luftmessstation Westring", [11.5712, 50.9255], 1.2),
]
TIMES = [ANCHOR - timedelta(hours=HOURS - i) for i in range(HOURS + 1)]  # anchor-48h … anchor, 49 per stream


def free_spots(capacity, t):
    h = local_hour(t) + 0.5
    occupancy = 0.12 + 0.72 * math.exp(-(((h - 12.5) / 3.8) ** 2)) + random.uniform(-0.04, 0.04)
    return max(0, min(capacity, round(capacity * (1 - occupancy))))


def pm10(t, factor):
    h = local_hour(t)
    return round(factor * (16 + 9 * math.exp(-(((h - 8) / 2) ** 2)) + 8 * math.exp(-(((h - 18) / 2.5) ** 2))) + random.uniform(-2, 2), 1)


def no2(t, factor):
    h = local_hour(t)
    return round(factor * (14 + 22 * math.exp(-(((h - 7.5) / 1.5) ** 2)) + 18 * math.exp(-(((h - 17.5) / 2) ** 2))) + random.uniform(-3, 3), 1)


def observations(values):
    return {
        "@iot.count": len(values),
        "value": [
            {"@iot.id": oid, "phenomenonTime": iso(t), "resultTime": iso(t), "result": v}
            for oid, (t, v) in values
        ],
    }


def datastream(ds_id, name, description, unit, observed, definition, obs_type):
    return {
        "@iot.id": ds_id,
        "name": name,
        "description": description,
        "observationType": obs_type,
        "unitOfMeasurement": unit,
        "phenomenonTime": f"{iso(TIMES[0])}/{iso(TIMES[-1])}",
        "resultTime": f"{iso(TIMES[0])}/{iso(TIMES[-1])}",
        "ObservedProperty": {"@iot.id": observed[0], "name": observed[1], "definition": definition, "description": observed[2]},
    }


COUNT = {"name": "Anzahl", "symbol": "", "definition": "http://www.qudt.org/qudt/owl/1.0.0/unit/Instances.html#Number"}
UGM3 = {"name": "Mikrogramm pro Kubikmeter", "symbol": "µg/m³", "definition": "http://www.qudt.org/qudt/owl/1.0.0/unit/Instances.html#MicrogramPerCubicMeter"}
COUNT_OBS = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_CountObservation"
MEAS_OBS = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement"


def main():
    (OUT / "sensorthings").mkdir(parents=True, exist_ok=True)
    (OUT / "ngsi-ld").mkdir(parents=True, exist_ok=True)
    things, parking, air, files, temporal = [], [], [], {}, {}

    for thing_id, ds_id, name, capacity, point in GARAGES:
        series = [(ds_id * 1000 + i, (t, free_spots(capacity, t))) for i, t in enumerate(TIMES)]
        files[str(ds_id)] = f"sensorthings/observations-{ds_id}.json"
        (OUT / files[str(ds_id)]).write_text(json.dumps(observations(series), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        things.append({
            "@iot.id": thing_id,
            "name": name,
            "description": f"Parkhaus mit {capacity} Stellplätzen ({DEMO})",
            "properties": {"capacity": capacity, "operator": "Stadtwerke Musterstadt", "category": "parking", "demo": True},
            "Locations": [{"@iot.id": thing_id, "name": name, "description": f"Einfahrt {name}", "encodingType": "application/geo+json",
                           "location": {"type": "Point", "coordinates": point}}],
            "Datastreams": [datastream(ds_id, f"{name} – freie Stellplätze", f"Anzahl freier Stellplätze, stündlich ({DEMO})", COUNT,
                                       (1, "freie Stellplätze", "Anzahl der freien Stellplätze"),
                                       "https://smartdatamodels.org/dataModel.Parking/availableSpotNumber", COUNT_OBS)],
        })
        entity = f"urn:ngsi-ld:OffStreetParking:musterstadt-{thing_id}"
        temporal[entity] = {"availableSpotNumber": ds_id}
        parking.append({
            "id": entity,
            "type": "OffStreetParking",
            "name": {"type": "Property", "value": name},
            "description": {"type": "Property", "value": DEMO},
            "category": {"type": "Property", "value": ["public", "feeCharged"]},
            "totalSpotNumber": {"type": "Property", "value": capacity},
            "availableSpotNumber": {"type": "Property", "value": series[-1][1][1], "observedAt": iso(ANCHOR)},
            "status": {"type": "Property", "value": ["open"]},
            "dataProvider": {"type": "Property", "value": "Stadtwerke Musterstadt (Demo)"},
            "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": point}},
            "@context": CONTEXT,
        })

    properties = [(2, "PM10", "Feinstaub PM10", "https://smartdatamodels.org/dataModel.Environment/pm10", "pm10"),
                  (3, "PM2.5", "Feinstaub PM2,5", "https://smartdatamodels.org/dataModel.Environment/pm25", "pm25"),
                  (4, "NO2", "Stickstoffdioxid", "https://smartdatamodels.org/dataModel.Environment/no2", "no2")]
    for thing_id, ds_ids, name, point, factor in STATIONS:
        datastreams, latest = [], {}
        entity = f"urn:ngsi-ld:AirQualityObserved:musterstadt-{thing_id}"
        temporal[entity] = {}
        for ds_id, (op_id, op_name, op_description, definition, attribute) in zip(ds_ids, properties):
            values = []
            for i, t in enumerate(TIMES):
                p10 = pm10(t, factor)
                v = p10 if op_name == "PM10" else round(p10 * random.uniform(0.55, 0.65), 1) if op_name == "PM2.5" else no2(t, factor)
                values.append((ds_id * 1000 + i, (t, max(0.5, v))))
            latest[attribute] = values[-1][1][1]
            temporal[entity][attribute] = ds_id
            files[str(ds_id)] = f"sensorthings/observations-{ds_id}.json"
            (OUT / files[str(ds_id)]).write_text(json.dumps(observations(values), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            datastreams.append(datastream(ds_id, f"{name} – {op_name}", f"{op_description}, Stundenmittel ({DEMO})", UGM3,
                                          (op_id, op_name, op_description), definition, MEAS_OBS))
        things.append({
            "@iot.id": thing_id,
            "name": name,
            "description": f"Messstation für Feinstaub und Stickstoffdioxid ({DEMO})",
            "properties": {"operator": "Umweltamt Musterstadt", "category": "air-quality", "demo": True},
            "Locations": [{"@iot.id": thing_id, "name": name, "description": f"Standort {name}", "encodingType": "application/geo+json",
                           "location": {"type": "Point", "coordinates": point}}],
            "Datastreams": datastreams,
        })
        air.append({
            "id": entity,
            "type": "AirQualityObserved",
            "name": {"type": "Property", "value": name},
            "description": {"type": "Property", "value": DEMO},
            "dateObserved": {"type": "Property", "value": {"@type": "DateTime", "@value": iso(ANCHOR)}},
            **{a: {"type": "Property", "value": latest[a], "unitCode": "GQ", "observedAt": iso(ANCHOR)} for a in ("pm10", "pm25", "no2")},
            "dataProvider": {"type": "Property", "value": "Umweltamt Musterstadt (Demo)"},
            "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": point}},
            "@context": CONTEXT,
        })

    def write(name, data):
        (OUT / name).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    write("sensorthings/things.json", {"@iot.count": len(things), "value": things})
    write("ngsi-ld/offstreetparking.json", parking)
    write("ngsi-ld/airqualityobserved.json", air)
    write("manifest.json", {
        "description": f"Urbane Datenplattform der Demo-Stadt Musterstadt: {DEMO}. Aufgezeichnet mit samples/tools/DemoPlatform/generate.py.",
        "recordedAt": iso(ANCHOR),
        "sensorThings": {"things": "sensorthings/things.json", "observations": files},
        "ngsiLd": {"entities": ["ngsi-ld/offstreetparking.json", "ngsi-ld/airqualityobserved.json"], "temporal": temporal},
        "events": {"veranstaltungen.ics": "../veranstaltungen/veranstaltungen.ics"},
    })


if __name__ == "__main__":
    main()
